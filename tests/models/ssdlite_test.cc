// SSDLite on MobileNetV2 against the MobileNetV2 paper (Sandler et al. 2018, section 6.2,
// Table 6: SSDLite at 320x320 on COCO, 4.3 M params, 0.8 B MAdds) and hand calculations.
//
// The layout follows the TF object detection API's ssdlite_mobilenet_v2_coco (the paper's
// model): ssd_mobilenet_v2_feature_extractor.py feature_map_layout from_layer
// ['layer_15/expansion_output', 'layer_19', '', '', '', ''], layer_depth [-1, -1, 512, 256,
// 256, 128], use_depthwise; extra layers 1x1 to depth/2 then a separable stride-2 3x3 to depth;
// ConvolutionalBoxPredictor with use_depthwise (3x3 depthwise + BN + ReLU6, then a 1x1 conv with
// bias), anchors [3, 6, 6, 6, 6, 6] (reduce_boxes_in_lowest_layer), num_classes 90 + background.
//
// Figures: with the config's 91 class slots the MAdds match (0.804 B -> "0.8") but the params
// come to 4.50 M, not 4.3 M. With 81 slots (COCO's 80 evaluated categories + background)
// both match: 4.34 M -> "4.3" and 0.789 B -> "0.8". The paper does not say which it counted;
// the tests pin both, and the hand sum below shows where the 4.50 M comes from.
#include "hwnas/models/ssdlite.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "hwnas/models/mobilenetv2.h"
#include "testing.h"

namespace hwnas::models {
namespace {

using hwnas::testing::node;
using hwnas::testing::round_to;

// Anchors at 320: maps 20x20 (stride 16), 10x10, then stride-2 3x3 convs with pad 1:
// 5x5, 3x3, 2x2, 1x1. 400*3 + 100*6 + 25*6 + 9*6 + 4*6 + 1*6 = 1200+600+150+54+24+6 = 2034.
TEST(SsdLite, FeatureMapsAndOutputs) {
  const ir::Graph g = ssdlite();
  EXPECT_EQ(g.name(), "ssdlite-mobilenetv2");
  ASSERT_EQ(g.outputs().size(), 2u);
  EXPECT_EQ(g.node(g.outputs()[0]).name, "boxes");
  EXPECT_EQ(g.node(g.outputs()[1]).name, "scores");
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 2034, 4}));
  EXPECT_EQ(g.node(g.outputs()[1]).shape, (ir::Shape{1, 2034, 91}));
  EXPECT_EQ(node(g, "features.14.expand.act").shape, (ir::Shape{1, 20, 20, 576}));
  EXPECT_EQ(node(g, "features.18.conv.act").shape, (ir::Shape{1, 10, 10, 1280}));
  EXPECT_EQ(node(g, "extra.0.expand.act").shape, (ir::Shape{1, 5, 5, 512}));
  EXPECT_EQ(node(g, "extra.1.expand.act").shape, (ir::Shape{1, 3, 3, 256}));
  EXPECT_EQ(node(g, "extra.2.expand.act").shape, (ir::Shape{1, 2, 2, 256}));
  EXPECT_EQ(node(g, "extra.3.expand.act").shape, (ir::Shape{1, 1, 1, 128}));
  EXPECT_EQ(node(g, "extra.0.reduce").shape.c(), 256);
  EXPECT_EQ(node(g, "head.0.class.conv").shape, (ir::Shape{1, 20, 20, 3 * 91}));
  EXPECT_EQ(node(g, "head.5.box.reshape").shape, (ir::Shape{1, 6, 4}));
  EXPECT_TRUE(node(g, "head.1.class.conv").attrs.bias);
  EXPECT_FALSE(g.find("classifier"));                                  // the backbone ends at its head conv
  EXPECT_FLOAT_EQ(node(g, "extra.0.reduce.bn").attrs.epsilon, 1e-3f);  // TF config's batch_norm epsilon
}

// Params at 91 classes, by hand:
//   backbone = MobileNetV2-1.0 without its classifier: 3,504,872 - (1280*1000 + 1000) = 2,223,872
//   extra (cin -> C): cin*C/2 + C (BN) + 9*C/2 + C (BN) + C/2*C + 2C (BN)
//     1280->512: 327,680+512 + 2,304+512 + 131,072+1,024 = 463,104
//      512->256:  65,536+256 + 1,152+256 +  32,768+512   = 100,480
//      256->256:  32,768+256 + 1,152+256 +  32,768+512   =  67,712
//      256->128:  16,384+128 +   576+128 +   8,192+256   =  25,664      extras 656,960
//   heads per map (C channels, a anchors): box 11C + C*4a + 4a, class 11C + C*91a + 91a
//     576,a=3: 13,260 + 163,857;  1280,a=6: 44,824 + 713,506;  512: 17,944 + 285,730;
//     256: 8,984 + 143,138 (twice);  128: 4,504 + 71,842            heads 1,619,711
//   total 2,223,872 + 656,960 + 1,619,711 = 4,500,543
TEST(SsdLite, ParamsByHandAtNinetyOneClasses) {
  const ir::Stats s = ir::compute_stats(ssdlite());
  EXPECT_EQ(s.params, 4500543);
  EXPECT_DOUBLE_EQ(round_to(s.macs / 1e9, 1), 0.8);  // published 0.8 B MAdds
  EXPECT_DOUBLE_EQ(round_to(s.macs / 1e9, 2), 0.80);
}

// Each class slot costs one 1x1 output per anchor per map: sum over maps of a * (C + 1):
// 3*577 + 6*(1281 + 513 + 257 + 257 + 129) = 1,731 + 14,622 = 16,353 params; so 81 slots
// have 10 * 16,353 = 163,530 fewer: 4,337,013, the paper's "4.3 M".
TEST(SsdLite, PublishedFiguresWithEightyOneClassSlots) {
  const ir::Stats s = ir::compute_stats(ssdlite({.classes = 81}));
  EXPECT_EQ(s.params, 4500543 - 163530);
  EXPECT_DOUBLE_EQ(round_to(s.params / 1e6, 1), 4.3);
  EXPECT_DOUBLE_EQ(round_to(s.macs / 1e9, 1), 0.8);
}

TEST(SsdLite, OptionsReachTheRightLayers) {
  // Resolution 300 (the TF model zoo's input): 19x19, 10x10, 5x5, 3x3, 2x2, 1x1 maps ->
  // 361*3 + 100*6 + 25*6 + 9*6 + 4*6 + 6 = 1083+600+150+54+24+6 = 1,917 anchors, as TF reports.
  const ir::Graph g300 = ssdlite({.resolution = 300});
  EXPECT_EQ(g300.node(g300.outputs()[0]).shape, (ir::Shape{1, 1917, 4}));
  EXPECT_EQ(ir::compute_stats(g300).params, 4500543);
  // Fewer anchors on the first map: 576 * 4 + 4 params per anchor fewer in its box head.
  const ir::Graph a2 = ssdlite({.anchors = {2, 6, 6, 6, 6, 6}});
  EXPECT_EQ(ir::compute_stats(a2).params, 4500543 - (576 * 4 + 4) - (576 * 91 + 91));
  // Width 0.5 shrinks the backbone only up to its 1280 head: the first map is 6 * 48 = 288.
  EXPECT_EQ(node(ssdlite({.width = 0.5}), "features.14.expand.act").shape.c(), 288);
}

TEST(SsdLite, Deterministic) { EXPECT_EQ(ssdlite(), ssdlite()); }

TEST(SsdLite, RejectsBadOptions) {
  EXPECT_HWNAS_ERROR(ssdlite({.anchors = {3, 6}}), "anchors has 2 entries but there are 6 feature maps");
  EXPECT_HWNAS_ERROR(ssdlite({.anchors = {3, 6, 0, 6, 6, 6}}), "anchors per location must be positive");
  EXPECT_HWNAS_ERROR(ssdlite({.extra_channels = {512, 1, 256, 128}}), "extra_channels must be at least 2");
  EXPECT_HWNAS_ERROR(ssdlite({.resolution = 0}), "ssdlite-mobilenetv2: resolution");
  EXPECT_HWNAS_ERROR(ssdlite({.classes = 0}), "classes");
  EXPECT_HWNAS_ERROR(ssdlite({.width = 0}), "width multiplier must be positive");
}

}  // namespace
}  // namespace hwnas::models
