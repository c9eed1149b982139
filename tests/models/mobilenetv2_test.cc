// MobileNetV2 against published figures:
//   torchvision MobileNet_V2_Weights.IMAGENET1K_V1 meta: num_params 3,504,872, GFLOPS 0.30
//     (torchvision's "FLOPS" are multiply-accumulates, our `macs`);
//   TF-slim mobilenet/README.md (the paper's checkpoints), MACs (M) for all 22 published
//     width/resolution pairs. The table truncates to whole millions (0.75_192 is 153.94 M
//     here and 153 there; 0.35_96 is 11.93 and 11; every row agrees with truncation and
//     eight disagree with rounding), so the test compares floor(MACs / 1e6).
//   (Its parameter column, 3.47 M for 1.0, counts differently — 1001 classes and TF-slim's BN
//   variables — so only its MACs are compared.)
#include "hwnas/models/mobilenetv2.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "testing.h"

namespace hwnas::models {
namespace {

using hwnas::testing::node;
using hwnas::testing::round_to;

TEST(MobileNetV2, TorchvisionPublishedParamsAndMacs) {
  const ir::Graph g = mobilenetv2();
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 3504872);
  EXPECT_DOUBLE_EQ(round_to(s.macs / 1e9, 2), 0.30);
  EXPECT_EQ(g.name(), "mobilenetv2-1.0");
}

TEST(MobileNetV2, TfSlimPublishedMacsPerWidthAndResolution) {
  struct Row {
    double width;
    int resolution;
    double mmacs;
  };
  const Row rows[] = {{1.4, 224, 582},  {1.3, 224, 509},                                                     //
                      {1.0, 224, 300},  {1.0, 192, 221},  {1.0, 160, 154},  {1.0, 128, 99},  {1.0, 96, 56},  //
                      {0.75, 224, 209}, {0.75, 192, 153}, {0.75, 160, 107}, {0.75, 128, 69}, {0.75, 96, 39},
                      {0.5, 224, 97},   {0.5, 192, 71},   {0.5, 160, 50},   {0.5, 128, 32},  {0.5, 96, 18},  //
                      {0.35, 224, 59},  {0.35, 192, 43},  {0.35, 160, 30},  {0.35, 128, 20}, {0.35, 96, 11}};
  for (const Row& r : rows) {
    const ir::Stats s = ir::compute_stats(mobilenetv2({.width = r.width, .resolution = r.resolution}));
    EXPECT_EQ(std::floor(s.macs / 1e6), r.mmacs) << "width " << r.width << " resolution " << r.resolution;
  }
}

// Shapes along the network at 224, by hand: stem stride 2 (112), stages with stride 2 at
// blocks 2, 4, 7 and 14 (56, 28, 14, 7); block 13 (features.14) expands 96 -> 576 at stride 16
// before its stride-2 depthwise.
TEST(MobileNetV2, FeatureMapsAndNames) {
  ir::GraphBuilder b("backbone");
  const int x = b.input({1, 224, 224, 3});
  const MobileNetV2Features f = mobilenetv2_backbone(b, x, 1.0);
  const ir::Graph g = b.finish({f.last});
  EXPECT_EQ(g.node(f.expand_13).name, "features.14.expand.act");
  EXPECT_EQ(g.node(f.expand_13).shape, (ir::Shape{1, 14, 14, 576}));
  EXPECT_EQ(g.node(f.last).name, "features.18.conv.act");
  EXPECT_EQ(g.node(f.last).shape, (ir::Shape{1, 7, 7, 1280}));
  EXPECT_EQ(node(g, "features.0.conv").shape, (ir::Shape{1, 112, 112, 32}));
  EXPECT_EQ(node(g, "features.3.dw").shape, (ir::Shape{1, 56, 56, 144}));  // 24 * 6
  // Residual adds: one per repeat after the first in each stage: 0+1+2+3+2+2+0 = 10.
  int adds = 0;
  for (const ir::Node& n : g.nodes()) adds += n.op == ir::OpKind::Add;
  EXPECT_EQ(adds, 10);
  EXPECT_FALSE(g.find("features.1.expand"));  // t = 1: no expansion conv
}

// classes = 10 changes only the classifier: 1280 * 10 + 10 = 12,810 params instead of
// 1280 * 1000 + 1000 = 1,281,000, so 3,504,872 - 1,281,000 + 12,810 = 2,236,682.
TEST(MobileNetV2, ClassesChangeOnlyTheClassifier) {
  const ir::Graph full = mobilenetv2();
  const ir::Graph ten = mobilenetv2({.classes = 10});
  const ir::Stats a = ir::compute_stats(full), b = ir::compute_stats(ten);
  EXPECT_EQ(b.params, 2236682);
  ASSERT_EQ(full.size(), ten.size());
  for (int i = 0; i < full.size(); ++i) {
    if (full.node(i).name == "classifier") {
      EXPECT_EQ(b.nodes[i].params, 12810);
      EXPECT_EQ(ten.node(i).shape, (ir::Shape{1, 10}));
    } else {
      EXPECT_EQ(full.node(i), ten.node(i));
    }
  }
}

// Resolution scales MACs, not params: at 160 the maps are 80, 40, 20, 10, 5.
TEST(MobileNetV2, ResolutionChangesShapesNotParams) {
  const ir::Graph g = mobilenetv2({.resolution = 160});
  EXPECT_EQ(ir::compute_stats(g).params, 3504872);
  EXPECT_EQ(node(g, "features.18.conv").shape, (ir::Shape{1, 5, 5, 1280}));
}

// Width rounds every layer to multiples of 8 and widens, never narrows, the 1280 head:
// 0.35: stem make_divisible(11.2) = 16, head 1280; 1.4: stem make_divisible(44.8) = 48,
// head 1280 * 1.4 = 1792; block 1 projects to make_divisible(16 * 1.4 = 22.4) = 24.
TEST(MobileNetV2, WidthScalesChannels) {
  const ir::Graph thin = mobilenetv2({.width = 0.35});
  EXPECT_EQ(thin.name(), "mobilenetv2-0.35");
  EXPECT_EQ(node(thin, "features.0.conv").shape.c(), 16);
  EXPECT_EQ(node(thin, "features.18.conv").shape.c(), 1280);
  const ir::Graph wide = mobilenetv2({.width = 1.4});
  EXPECT_EQ(wide.name(), "mobilenetv2-1.4");
  EXPECT_EQ(node(wide, "features.0.conv").shape.c(), 48);
  EXPECT_EQ(node(wide, "features.1.project").shape.c(), 24);
  EXPECT_EQ(node(wide, "features.18.conv").shape.c(), 1792);
}

TEST(MobileNetV2, Deterministic) { EXPECT_EQ(mobilenetv2({.width = 0.75}), mobilenetv2({.width = 0.75})); }

TEST(MobileNetV2, NamesWidths) {
  EXPECT_EQ(mobilenetv2_name(1.0), "mobilenetv2-1.0");
  EXPECT_EQ(mobilenetv2_name(0.5), "mobilenetv2-0.5");
  EXPECT_EQ(mobilenetv2_name(2), "mobilenetv2-2.0");
  EXPECT_EQ(mobilenetv2({.name = "custom"}).name(), "custom");
}

TEST(MobileNetV2, RejectsBadOptions) {
  EXPECT_HWNAS_ERROR(mobilenetv2({.width = 0}), "width multiplier must be positive");
  EXPECT_HWNAS_ERROR(mobilenetv2({.width = -1}), "width multiplier must be positive");
  EXPECT_HWNAS_ERROR(mobilenetv2({.resolution = 0}), "mobilenetv2-1.0: resolution");
  EXPECT_HWNAS_ERROR(mobilenetv2({.classes = 0}), "mobilenetv2-1.0: classes");
}

}  // namespace
}  // namespace hwnas::models
