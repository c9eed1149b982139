// The shared blocks against hand calculations: torchvision's channel rounding and one
// inverted-residual block counted by hand, with and without squeeze-excite.
#include "hwnas/models/mbconv.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "testing.h"

namespace hwnas::models {
namespace {

TEST(MakeDivisible, RoundsToNearestMultipleOfEight) {
  EXPECT_EQ(make_divisible(32), 32);
  EXPECT_EQ(make_divisible(1280 * 1.4), 1792);  // 1792 = 224 * 8 already
  EXPECT_EQ(make_divisible(32 * 1.4), 48);      // 44.8: int(48.8) // 8 * 8 = 48
  EXPECT_EQ(make_divisible(112 * 1.1), 120);    // 123.2: int(127.2) // 8 * 8 = 120 >= 0.9 * 123.2
  EXPECT_EQ(make_divisible(24 * 0.35), 8);      // 8.4: int(12.4) // 8 * 8 = 8 >= 7.56
  EXPECT_EQ(make_divisible(3), 8);              // never below the divisor
}

TEST(MakeDivisible, StepsUpWhenRoundingLosesMoreThanTenPercent) {
  // 32 * 0.35 = 11.2: int(15.2) // 8 * 8 = 8, and 8 < 0.9 * 11.2 = 10.08, so 16.
  EXPECT_EQ(make_divisible(32 * 0.35), 16);
  // 20: int(24) // 8 * 8 = 24 (rounds half up), not a step-up case.
  EXPECT_EQ(make_divisible(20), 24);
}

TEST(MakeDivisible, RejectsNonPositive) {
  EXPECT_HWNAS_ERROR(make_divisible(0), "positive");
  EXPECT_HWNAS_ERROR(make_divisible(-3), "positive");
  EXPECT_HWNAS_ERROR(make_divisible(10, 0), "positive");
}

TEST(CheckImageOptions, NamesTheBadOption) {
  EXPECT_NO_THROW(check_image_options("m", 1, 1));
  EXPECT_HWNAS_ERROR(check_image_options("m", 0, 10), "m: resolution");
  EXPECT_HWNAS_ERROR(check_image_options("m", 224, -1), "m: classes");
}

// Input [1,8,8,16], t=6 (96 expanded channels), 3x3, stride 1, 16 out, ReLU6:
//   expand  1x1 16->96: 1,536 weights + BN 192;  MACs 64 * 1,536 = 98,304
//   dw      3x3 x 96:     864 weights + BN 192;  MACs 64 *   864 = 55,296
//   project 1x1 96->16: 1,536 weights + BN 32;   MACs 64 * 1,536 = 98,304
//   params 4,352, MACs 251,904, and a residual add (stride 1, 16 == 16).
TEST(MbConv, InvertedResidualByHand) {
  ir::GraphBuilder b("block");
  const int x = b.input({1, 8, 8, 16});
  const MbConvNodes n = mbconv(b, x, {.expand_ratio = 6, .kernel = 3, .stride = 1, .out_channels = 16});
  const ir::Graph g = b.finish({n.out});
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 4352);
  EXPECT_EQ(s.macs, 251904);
  EXPECT_EQ(g.node(n.out).op, ir::OpKind::Add);
  EXPECT_EQ(g.node(n.expand).op, ir::OpKind::Relu6);
  EXPECT_EQ(g.node(n.expand).shape, (ir::Shape{1, 8, 8, 96}));
  for (const char* name : {"expand", "expand.bn", "expand.act", "dw", "dw.bn", "dw.act", "project", "project.bn"})
    EXPECT_TRUE(g.find(name)) << name;
  EXPECT_FALSE(g.find("project.act"));  // linear bottleneck
}

// The same block with squeeze-excite to 4 channels and swish adds
//   fc1 1x1 96->4 with bias: 384 + 4 = 388;  fc2 1x1 4->96 with bias: 384 + 96 = 480
//   on the pooled 1x1 map: MACs 384 + 384 = 768.
TEST(MbConv, SqueezeExciteByHand) {
  ir::GraphBuilder b("se");
  const int x = b.input({1, 8, 8, 16});
  const MbConvNodes n = mbconv(b, x, {.out_channels = 16, .act = ir::OpKind::Swish, .se_squeeze = 4});
  const ir::Graph g = b.finish({n.out});
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 4352 + 388 + 480);
  EXPECT_EQ(s.macs, 251904 + 768);
  EXPECT_EQ(g.node(*g.find("se.act")).op, ir::OpKind::Swish);
  EXPECT_EQ(g.node(*g.find("se.gate")).op, ir::OpKind::Sigmoid);
  EXPECT_EQ(g.node(*g.find("se.scale")).shape, (ir::Shape{1, 8, 8, 96}));
}

TEST(MbConv, NoExpansionAndNoResidualWhenStridedOrWidened) {
  ir::GraphBuilder b("plain");
  const int x = b.input({1, 8, 8, 16});
  const MbConvNodes n = mbconv(b, x, {.expand_ratio = 1, .stride = 2, .out_channels = 16});
  const MbConvNodes m = mbconv(b, n.out, {.expand_ratio = 1, .out_channels = 24});
  const ir::Graph g = b.finish({m.out});
  EXPECT_EQ(n.expand, -1);
  EXPECT_EQ(g.node(n.out).op, ir::OpKind::BatchNorm);  // stride 2: no add
  EXPECT_EQ(g.node(n.out).shape, (ir::Shape{1, 4, 4, 16}));
  EXPECT_EQ(g.node(m.out).op, ir::OpKind::BatchNorm);  // 16 -> 24: no add
  EXPECT_FALSE(g.find("expand"));
}

TEST(MbConv, RejectsBadSpec) {
  ir::GraphBuilder b("bad");
  const int x = b.input({1, 8, 8, 16});
  EXPECT_HWNAS_ERROR(mbconv(b, x, {.out_channels = 0}), "out_channels");
  EXPECT_HWNAS_ERROR(mbconv(b, x, {.expand_ratio = 0, .out_channels = 8}), "node 'input'");
}

}  // namespace
}  // namespace hwnas::models
