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
    "mfcc=10,frames=25,first.kernel=3x3,first.stride=2x2,first.channels=8,depth=1,block1.channels=8,"
    "block1.kernel=3";

std::string largest() {
  std::string s = "mfcc=20,frames=49,first.kernel=10x4,first.stride=1x1,first.channels=128,depth=6";
  for (int b = 1; b <= 6; ++b) s += fmt::format(",block{0}.channels=128,block{0}.kernel=5", b);
  return s;
}

std::string mlperf_arch() {
  std::string s = "mfcc=10,frames=49,first.kernel=10x4,first.stride=2x2,first.channels=64,depth=4";
  for (int b = 1; b <= 4; ++b) s += fmt::format(",block{0}.channels=64,block{0}.kernel=3", b);
  return s;
}

TEST(DsCnnSpace, Size) {
  // 3 MFCC x 2 frame counts x 3 first kernels x 3 first strides x 8 first widths, times
  // (16 + 16^2 + ... + 16^6) (8 widths x 2 kernels = 16 per block):
  // 432 * (16 + 256 + 4,096 + 65,536 + 1,048,576 + 16,777,216) = 432 * 17,895,696.
  EXPECT_EQ(DsCnnSpace().size(), 7'730'940'672.0);
}

TEST(DsCnnSpace, ReducedSizeMatchesEnumeration) {
  DsCnnSpaceOptions o;
  o.mfcc = {10};
  o.frames = {25, 49};
  o.first_kernels = {{3, 3}};
  o.first_strides = {{2, 2}, {2, 1}};
  o.first_channels = {8};
  o.depths = {1, 2};
  o.channels = {8, 64};
  o.kernels = {3};
  DsCnnSpace s(o);
  EXPECT_EQ(s.size(), 2 * 2 * (2 + 4));
  EXPECT_EQ(s.enumerate().size(), 24u);
}

TEST(DsCnnSpace, BaseClassProperties) { testing::check_space_properties(DsCnnSpace(), 1000, 3, 20); }

// The built-in dscnn-mlperf (tests/models/dscnn_test.cc: 23,180 params, 2,656,768 MACs, the
// published MLPerf Tiny KWS reference) is a point of the space, node for node.
TEST(DsCnnSpace, MlperfNetworkIsInTheSpace) {
  DsCnnSpace s;
  const ir::Graph mine = s.decode(s.parse(mlperf_arch()));
  const ir::Graph mlperf = models::dscnn(models::dscnn_preset("mlperf"));
  const ir::Stats a = ir::compute_stats(mine), b = ir::compute_stats(mlperf);
  EXPECT_EQ(a.params, 23'180);
  EXPECT_EQ(a.macs, 2'656'768);
  EXPECT_EQ(a.params, b.params);
  EXPECT_EQ(a.macs, b.macs);
  ASSERT_EQ(mine.size(), mlperf.size());
  for (int i = 0; i < mine.size(); ++i) {
    EXPECT_EQ(mine.node(i).name, mlperf.node(i).name);
    EXPECT_EQ(mine.node(i).shape, mlperf.node(i).shape) << mine.node(i).name;
  }
}

// An M7 at 216 MHz doing 0.25-0.5 int8 MACs per cycle runs 0.27-0.54 M MACs in 5 ms (1.08 M
// cycles): the space must hold networks well under that and well over it.
TEST(DsCnnSpace, SmallestAndLargestStraddleAnM7Budget) {
  DsCnnSpace s;
  // Smallest: 25 frames x 10 MFCC, 3x3 conv stride 2x2 -> ceil(25/2) x ceil(10/2) = 13 x 5 = 65
  // positions. Params: conv1 9*8 + BN 16 = 88; dw 9*8 + 16 = 88; pw 8*8 + 16 = 80; FC 8*12 + 12
  // = 108 -> 364. MACs: (72 + 72 + 64) * 65 + 96 = 13,616.
  const ir::Graph small = s.decode(s.parse(kSmallest));
  EXPECT_EQ(small.node(0).shape, (ir::Shape{1, 25, 10, 1}));
  const ir::Stats sm = ir::compute_stats(small);
  EXPECT_EQ(sm.params, 364);
  EXPECT_EQ(sm.macs, 13'616);
  EXPECT_LT(sm.macs, 300'000);
  // Largest: 49 x 20 at stride 1x1 = 980 positions, 128 channels, 6 blocks of k5. Params: conv1
  // 10*4*128 + 256 = 5,376; per block 25*128 + 256 + 128*128 + 256 = 20,096 (x6); FC 128*12 + 12
  // = 1,548 -> 127,500. MACs: 5,120*980 + 6 * (3,200 + 16,384) * 980 + 1,536 = 120,173,056.
  const ir::Graph big = s.decode(s.parse(largest()));
  EXPECT_EQ(big.node(0).shape, (ir::Shape{1, 49, 20, 1}));
  const ir::Stats lg = ir::compute_stats(big);
  EXPECT_EQ(lg.params, 127'500);
  EXPECT_EQ(lg.macs, 120'173'056);
  EXPECT_GT(lg.macs, 10'000'000);
  // And no sample lies outside those two.
  Rng rng(7);
  for (int i = 0; i < 200; ++i) {
    const ir::Stats st = ir::compute_stats(s.decode(s.sample(rng)));
    ASSERT_GE(st.macs, sm.macs);
    ASSERT_LE(st.macs, lg.macs);
  }
}

TEST(DsCnnSpace, DecisionsReachTheGraph) {
  DsCnnSpace s;
  const models::DsCnnOptions o = s.options(
      s.parse("mfcc=13,frames=25,first.kernel=5x5,first.stride=2x1,first.channels=24,depth=2,block1.channels=16,"
              "block1.kernel=5,block2.channels=96,block2.kernel=3"));
  EXPECT_EQ(o.input_h, 25);
  EXPECT_EQ(o.input_w, 13);
  EXPECT_EQ(o.first_kernel_h, 5);
  EXPECT_EQ(o.first_kernel_w, 5);
  EXPECT_EQ(o.first_stride_h, 2);
  EXPECT_EQ(o.first_stride_w, 1);
  EXPECT_EQ(o.first_channels, 24);
  ASSERT_EQ(o.blocks.size(), 2u);
  EXPECT_EQ(o.blocks[0].channels, 16);
  EXPECT_EQ(o.blocks[0].kernel, 5);
  EXPECT_EQ(o.blocks[1].channels, 96);
  EXPECT_EQ(o.blocks[1].kernel, 3);
  // TF 'same', stride 2x1: ceil(25/2) x 13 = 13 x 13.
  const ir::Graph g = models::dscnn(o);
  EXPECT_EQ(g.node(*g.find("conv1.conv")).shape, (ir::Shape{1, 13, 13, 24}));
}

TEST(DsCnnSpace, FirstVersionStringsDecodeToTheSameNetwork) {
  // Strings stored by runs of the space before frames, first.kernel and first.stride were
  // decisions: 49 frames and MLPerf's 10x4 stride-2x2 first conv.
  DsCnnSpace s;
  const char* old =
      "mfcc=10,first.channels=64,depth=4,block1.channels=64,block1.kernel=3,block2.channels=64,block2.kernel=3,"
      "block3.channels=64,block3.kernel=3,block4.channels=64,block4.kernel=3";
  const Arch a = s.parse(old);
  EXPECT_EQ(a, s.parse(mlperf_arch()));
  EXPECT_EQ(s.to_string(a), mlperf_arch());
  // The old smallest network (4,620 params, 488,384 MACs by the earlier hand count).
  const ir::Stats st = ir::compute_stats(s.decode(s.parse(
      "mfcc=10,first.channels=32,depth=2,block1.channels=32,block1.kernel=3,block2.channels=32,block2.kernel=3")));
  EXPECT_EQ(st.params, 4620);
  EXPECT_EQ(st.macs, 488'384);
  // Errors still point into the caller's string; naming one new decision asks for all of them.
  EXPECT_HWNAS_ERROR(s.parse("mfcc=11,first.channels=64,depth=1,block1.channels=64,block1.kernel=3"),
                     "dscnn: position 5: 'mfcc' has no choice '11'");
  EXPECT_HWNAS_ERROR(s.parse("mfcc=10,frames=25,first.channels=64,depth=1,block1.channels=64,block1.kernel=3"),
                     "does not set decision 'first.kernel'");
}

TEST(DsCnnSpace, InactiveBlocksAreNotInTheString) {
  DsCnnSpace s;
  EXPECT_HWNAS_ERROR(s.parse(std::string(kSmallest) + ",block2.kernel=5"),
                     "decision 'block2.kernel' does not apply to this architecture");
  EXPECT_EQ(s.to_string(s.parse(kSmallest)), kSmallest);
}

TEST(DsCnnSpace, RestrictThenDecode) {
  DsCnnSpace s;
  const int depth = 5, first_kernel = 2;
  s.restrict(depth, {"3", "4"});
  s.restrict(first_kernel, {"5x5"});
  for (int d = depth + 1; d < s.num_decisions(); d += 2) s.restrict(d, {"48", "96"});
  Rng rng(4);
  for (int i = 0; i < 50; ++i) {
    const Arch a = s.sample(rng);
    const models::DsCnnOptions o = s.options(a);
    ASSERT_TRUE(o.blocks.size() == 3 || o.blocks.size() == 4);
    ASSERT_EQ(o.first_kernel_h, 5);
    for (const auto& b : o.blocks) ASSERT_TRUE(b.channels == 48 || b.channels == 96);
    ASSERT_NO_THROW(s.decode(a));
  }
}

TEST(DsCnnSpace, BadFirstKernelOrStrideIsAnError) {
  DsCnnSpaceOptions o;
  o.first_kernels = {{10, 0}};
  EXPECT_HWNAS_ERROR(DsCnnSpace{o}, "dscnn options: first_kernels: 10x0 is not a size; both must be positive");
  o = {};
  o.first_strides = {{-1, 2}};
  EXPECT_HWNAS_ERROR(DsCnnSpace{o}, "dscnn options: first_strides: -1x2 is not a size");
}

}  // namespace
}  // namespace hwnas::space
