#include "hwnas/space/detection_space.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "hwnas/models/ssdlite.h"
#include "properties.h"
#include "testing.h"

namespace hwnas::space {
namespace {

// SSDLite-MobileNetV2 in the space's string: MobileNetV2's depths 2, 3, 4, 3, 3, 1 (Table 2),
// every kernel 3 and expand 6, maps from stride 16, four extra layers 512, 256, 256, 128 and
// 3 anchors on the first map, 6 on the others (models/ssdlite.h's defaults).
const char* kSsdLiteMobileNetV2 =
    "r320-w1.0-d2,3,4,3,3,1-k3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3-e6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6-f16-x4-"
    "c512,256,256,128-a3,6";

int64_t dim(const ir::Graph& g, int output, int axis) { return g.node(g.outputs()[output]).shape[axis]; }

TEST(DetectionSpace, DecodesSsdLiteMobileNetV2AsModelsBuildsIt) {
  const DetectionSpace s;  // COCO: 90 classes, 91 score columns
  const ir::Graph g = s.decode(s.parse(kSsdLiteMobileNetV2));
  const ir::Graph ref = models::ssdlite({.resolution = 320, .classes = 91});
  ASSERT_EQ(g.size(), ref.size());
  for (int i = 0; i < g.size(); ++i) {  // the same network node by node; only the names differ
    const ir::Node &a = g.node(i), &b = ref.node(i);
    EXPECT_EQ(a.op, b.op) << a.name << " vs " << b.name;
    EXPECT_EQ(a.inputs, b.inputs) << a.name;
    EXPECT_EQ(a.attrs, b.attrs) << a.name;
    EXPECT_EQ(a.shape, b.shape) << a.name;
  }
  EXPECT_EQ(g.outputs(), ref.outputs());
  EXPECT_EQ(ir::compute_stats(g).macs, ir::compute_stats(ref).macs);
  EXPECT_EQ(ir::compute_stats(g).params, ir::compute_stats(ref).params);
  EXPECT_EQ(g.node(g.outputs()[0]).name, "boxes");
  EXPECT_EQ(g.node(g.outputs()[1]).name, "scores");
}

TEST(DetectionSpace, AnchorCountIsTheSumOverMapsOfCellsTimesAnchors) {
  const DetectionSpace s;
  // 320 at strides 16, 32: 20x20 and 10x10; extras halve (3x3 stride 2, pad 1): 5, 3, 2, 1.
  // 400 x 3 + (100 + 25 + 9 + 4 + 1) x 6 = 1200 + 834 = 2034 (at 300x300 the same rule gives
  // the published model's 1917: 361 x 3 + (100 + 25 + 9 + 4 + 1) x 6).
  const ir::Graph g = s.decode(s.parse(kSsdLiteMobileNetV2));
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 2034, 4}));
  EXPECT_EQ(g.node(g.outputs()[1]).shape, (ir::Shape{1, 2034, 91}));

  // 128 from stride 8: maps 16x16, 8x8, 4x4, then extras 2x2, 1x1; 4 anchors everywhere:
  // 4 x (256 + 64 + 16 + 4 + 1) = 1364. Five classes: 6 score columns.
  DetectionSpaceOptions o;
  o.classes = 5;
  o.resolutions = {128};
  const DetectionSpace small(o);
  const ir::Graph h =
      small.decode(small.parse("r128-w0.75-d1,1,1,1,1,1-k3,5,3,5,3,5-e3,3,3,3,3,3-f8-x2-c128,256-a4,4"));
  EXPECT_EQ(dim(h, 0, 1), 1364);
  EXPECT_EQ(dim(h, 0, 2), 4);
  EXPECT_EQ(dim(h, 1, 1), 1364);
  EXPECT_EQ(dim(h, 1, 2), 6);
}

TEST(DetectionSpace, SmallArchCountsByHand) {
  // One small arch counted by hand (MACs of a conv: out H x W x Cout x k^2 x Cin; depthwise:
  // H x W x C x k^2; params: weights + conv bias + BN gamma and beta).
  DetectionSpaceOptions o;
  o.classes = 1;
  o.resolutions = {64};
  o.widths = {1.0};
  o.stages = {{8, 2}, {8, 2}, {8, 2}, {8, 2}};  // strides 4, 8, 16, 32 after the stem's 2
  o.first_map_strides = {16};
  o.extras = {0};
  o.anchors = {1};
  o.expands = {1};
  const DetectionSpace s(o);
  const ir::Graph g = s.decode(s.parse("r64-w1.0-d1,1,1,1-k3,3,3,3-e1,1,1,1-f16-x0-c-a1,1"));
  // Maps: stage4's first block's input (expand 1 has no expansion; 8 channels at 4x4, stride 16)
  // and the last 1x1 conv (1280 channels at 2x2). A = 16 + 4 = 20; 2 score columns.
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 20, 4}));
  EXPECT_EQ(g.node(g.outputs()[1]).shape, (ir::Shape{1, 20, 2}));
  // stem 3x3/2 to 32: 32x32x32x9x3 = 884,736; params 864 + 64.
  // block0 (expand 1): dw 3x3 on 32x32x32 = 294,912, params 288 + 64; project 1x1 32->16 at
  //   32x32: 524,288, params 512 + 32.
  // stage1: dw 3x3/2 on 16 ch -> 16x16: 36,864, params 144 + 32; project 16->8 at 16x16: 32,768,
  //   params 128 + 16.
  // stages 2-4: dw on 8 ch to 8x8, 4x4, 2x2: 72 x (64 + 16 + 4) = 6,048, params 3 x (72 + 16);
  //   project 8->8: 64 x (64 + 16 + 4) = 5,376, params 3 x (64 + 16).
  // last 1x1 8->1280 at 2x2: 40,960, params 10,240 + 2,560.
  // heads on the 4x4x8 map: box dw 3x3 1,152 (72 + 16), conv 8->4 with bias 512 (32 + 4);
  //   class dw 1,152 (72 + 16), conv 8->2 256 (16 + 2).
  // heads on the 2x2x1280 map: dw 46,080 x 2 (11,520 + 2,560 each); box conv 1280->4 20,480
  //   (5,120 + 4); class conv 1280->2 10,240 (2,560 + 2).
  const int64_t macs = 884736 + 294912 + 524288 + 36864 + 32768 + 6048 + 5376 + 40960 + 1152 + 512 + 1152 + 256 +
                       46080 * 2 + 20480 + 10240;
  const int64_t params = (864 + 64) + (288 + 64) + (512 + 32) + (144 + 32) + (128 + 16) + 3 * (72 + 16) +
                         3 * (64 + 16) + (10240 + 2560) + (72 + 16) + (32 + 4) + (72 + 16) + (16 + 2) +
                         2 * (11520 + 2560) + (5120 + 4) + (2560 + 2);
  const ir::Stats st = ir::compute_stats(g);
  EXPECT_EQ(st.macs, macs);
  EXPECT_EQ(st.params, params);
}

TEST(DetectionSpace, SizeCountsGatedBlocksAndExtraLayers) {
  DetectionSpace s;
  // Per stage: 9 + 9^2 + 9^3 + 9^4 = 7380 block settings; 6 stages; 5 resolutions x 2 widths
  // x 2 first strides x (3^2 + 3^3 + 3^4 = 117 extra-layer settings) x 3 x 3 anchors.
  const double stage = 9 + 81 + 729 + 6561;
  EXPECT_DOUBLE_EQ(s.size(), std::pow(stage, 6) * 5 * 2 * 2 * 117 * 9);
  EXPECT_EQ(s.name(), "ssdlite-mbconv");
}

TEST(DetectionSpace, SampleMutateParseRoundTrip) {
  DetectionSpace s;
  testing::check_space_properties(s, 60, 7, 6);
  // Compact and generic forms name the same arch.
  const Arch a = s.parse(kSsdLiteMobileNetV2);
  EXPECT_EQ(s.to_string(a), kSsdLiteMobileNetV2);
  EXPECT_EQ(s.parse(s.SearchSpace::to_string(a)), a);
}

TEST(DetectionSpace, ParseErrorsSayWhere) {
  DetectionSpace s;
  EXPECT_HWNAS_ERROR(s.parse("r320-w1.0-d2,3,4,3,3,1-k3-e6"),
                     "expected 16 kernels (one per block of the depths), got 1");
  EXPECT_HWNAS_ERROR(s.parse(std::string(kSsdLiteMobileNetV2) + "-z"), "unexpected text after the anchors: 'z'");
  std::string bad = kSsdLiteMobileNetV2;
  bad.replace(bad.find("-a3,6"), 5, "-a5,6");
  EXPECT_HWNAS_ERROR(s.parse(bad), "'anchors.first' has no choice '5' (choices: 3, 4, 6)");
  bad = kSsdLiteMobileNetV2;
  bad.replace(bad.find("-x4-c512,256,256,128"), 20, "-x3-c512,256,256,128");
  EXPECT_HWNAS_ERROR(s.parse(bad), "expected 3 extra layer widths (one per extra layer), got 4");
}

TEST(DetectionSpace, BadOptionsAreErrors) {
  DetectionSpaceOptions o;
  o.first_map_strides = {4};
  EXPECT_HWNAS_ERROR(DetectionSpace{o}, "first map strides must be 8 or 16, got 4");
  o = {};
  o.extra_channels = {63};
  EXPECT_HWNAS_ERROR(DetectionSpace{o}, "extra layer widths must be even");
  o = {};
  o.stages.pop_back();
  o.stages.pop_back();  // down to stride 16
  EXPECT_HWNAS_ERROR(DetectionSpace{o}, "the backbone must reach stride 32");
}

TEST(DetectionSpace, SwapsActivationsAndSqueezeExciteForATarget) {
  DetectionSpaceOptions o;
  o.stem_act = ir::OpKind::HardSwish;
  for (auto& st : o.stages) st = {st.channels, st.stride, true, ir::OpKind::HardSwish};
  const DetectionSpace s(o);
  const auto runs = [](ir::OpKind k) { return k == ir::OpKind::Relu6; };
  auto act = s.without_op(ir::OpKind::HardSwish, runs);
  ASSERT_TRUE(act.space);
  EXPECT_NE(act.change.find("hardswish -> relu6"), std::string::npos) << act.change;
  auto se = act.space->without_op(ir::OpKind::Sigmoid, runs);
  ASSERT_TRUE(se.space);
  Rng rng(3);
  const ir::Graph g = se.space->decode(se.space->sample(rng));
  for (const auto& n : g.nodes()) {
    EXPECT_NE(n.op, ir::OpKind::HardSwish) << n.name;
    EXPECT_NE(n.op, ir::OpKind::Sigmoid) << n.name;
    EXPECT_NE(n.op, ir::OpKind::Mul) << n.name;
  }
  EXPECT_EQ(se.space->to_string(se.space->sample(rng)).substr(0, 1), "r");  // same decisions, same strings
}

}  // namespace
}  // namespace hwnas::space
