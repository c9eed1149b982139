#include "hwnas/space/dscnn_space.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "properties.h"
#include "testing.h"

namespace hwnas::space {
namespace {

const char* kSmallest =
    "mfcc=10,first.channels=32,depth=2,block1.channels=32,block1.kernel=3,"
    "block2.channels=32,block2.kernel=3";

TEST(DsCnnSpace, Size) {
  // 3 MFCC x 5 first widths x (10^2 + ... + 10^6) (5 widths x 2 kernels = 10 per block).
  EXPECT_EQ(DsCnnSpace().size(), 16'666'500);
}

TEST(DsCnnSpace, ReducedSizeMatchesEnumeration) {
  DsCnnSpaceOptions o;
  o.mfcc = {10};
  o.first_channels = {32};
  o.depths = {1, 2};
  o.channels = {32, 64};
  o.kernels = {3};
  DsCnnSpace s(o);
  EXPECT_EQ(s.size(), 2 + 4);
  EXPECT_EQ(s.enumerate().size(), 6u);
}

TEST(DsCnnSpace, BaseClassProperties) { testing::check_space_properties(DsCnnSpace(), 1000, 3, 20); }

TEST(DsCnnSpace, MlperfNetworkIsInTheSpace) {
  DsCnnSpace s;
  const Arch a = s.parse(
      "mfcc=10,first.channels=64,depth=4,block1.channels=64,block1.kernel=3,"
      "block2.channels=64,block2.kernel=3,block3.channels=64,block3.kernel=3,"
      "block4.channels=64,block4.kernel=3");
  const ir::Stats mine = ir::compute_stats(s.decode(a));
  const ir::Stats mlperf = ir::compute_stats(models::dscnn(models::dscnn_preset("mlperf")));
  EXPECT_EQ(mine.params, mlperf.params);
  EXPECT_EQ(mine.macs, mlperf.macs);
}

TEST(DsCnnSpace, SmallestAndLargestMatchHandCounts) {
  DsCnnSpace s;
  // Smallest: conv1 10*4*32 + 64 = 1344; per block dw 32*9 + 64 + pw 32*32 + 64 = 1440 (x2);
  // FC 32*12 + 12 = 396 -> 4,620 params. 'same' padding, stride 2: 25 x 5 = 125 positions:
  // MACs 1280*125 + 2 * (288 + 1024) * 125 + 384 = 160,000 + 328,000 + 384 = 488,384.
  const ir::Stats small = ir::compute_stats(s.decode(s.parse(kSmallest)));
  EXPECT_EQ(small.params, 4620);
  EXPECT_EQ(small.macs, 488'384);
  // Largest: 20 MFCC, 128 channels, 6 blocks of k5: conv1 5120 + 256; per block
  // 128*25 + 256 + 128*128 + 256 = 20,096 (x6); FC 1548 -> 127,500 params. 25 x 10 = 250
  // positions: MACs 5120*250 + 6 * (3200 + 16384) * 250 + 1536 = 30,657,536.
  std::string big = "mfcc=20,first.channels=128,depth=6";
  for (int b = 1; b <= 6; ++b) big += fmt::format(",block{0}.channels=128,block{0}.kernel=5", b);
  const ir::Graph g = s.decode(s.parse(big));
  EXPECT_EQ(g.node(0).shape, (ir::Shape{1, 49, 20, 1}));
  const ir::Stats large = ir::compute_stats(g);
  EXPECT_EQ(large.params, 127'500);
  EXPECT_EQ(large.macs, 30'657'536);
}

TEST(DsCnnSpace, InactiveBlocksAreNotInTheString) {
  DsCnnSpace s;
  EXPECT_HWNAS_ERROR(s.parse(std::string(kSmallest) + ",block3.kernel=5"),
                     "decision 'block3.kernel' does not apply to this architecture");
  EXPECT_EQ(s.to_string(s.parse(kSmallest)), kSmallest);
}

TEST(DsCnnSpace, RestrictThenDecode) {
  DsCnnSpace s;
  s.restrict(2, {"3", "4"});
  for (int d = 3; d < s.num_decisions(); d += 2) s.restrict(d, {"48", "96"});
  Rng rng(4);
  for (int i = 0; i < 50; ++i) {
    const Arch a = s.sample(rng);
    const models::DsCnnOptions o = s.options(a);
    ASSERT_TRUE(o.blocks.size() == 3 || o.blocks.size() == 4);
    for (const auto& b : o.blocks) ASSERT_TRUE(b.channels == 48 || b.channels == 96);
    ASSERT_NO_THROW(s.decode(a));
  }
}

}  // namespace
}  // namespace hwnas::space
