// SSD's anchors and box coding against hand calculations from the TF object detection API's rules
// (multiple_grid_anchor_generator.py create_ssd_anchors, grid_anchor_generator.py,
// faster_rcnn_box_coder.py with scale_factors [10, 10, 5, 5]).
#include "hwnas/models/ssd_anchors.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "hwnas/models/registry.h"
#include "hwnas/models/ssdlite.h"
#include "testing.h"

namespace hwnas::models {
namespace {

void expect_anchor(const Anchor& a, double cy, double cx, double h, double w) {
  EXPECT_NEAR(a.cy, cy, 1e-6);
  EXPECT_NEAR(a.cx, cx, 1e-6);
  EXPECT_NEAR(a.h, h, 1e-6);
  EXPECT_NEAR(a.w, w, 1e-6);
}

TEST(AnchorLayout, SsdLiteAt160HasTheMapsItsStridesGive) {
  // 160 / 16 = 10 (block 13's expansion), 160 / 32 = 5, then stride-2 3x3 convs with pad 1:
  // 5 -> 3 -> 2 -> 1 -> 1; anchors [3, 6, 6, 6, 6, 6] as the model's default.
  const ir::Graph g = ssdlite({.width = 0.5, .resolution = 160, .classes = 6});
  const std::vector<FeatureMapLayout> maps = anchor_layout(g);
  const std::vector<FeatureMapLayout> want = {{10, 10, 3}, {5, 5, 6}, {3, 3, 6}, {2, 2, 6}, {1, 1, 6}, {1, 1, 6}};
  EXPECT_EQ(maps, want);
  EXPECT_EQ(ssd_anchors(maps, {}).size(), 300u + 150 + 54 + 24 + 6 + 6);
  EXPECT_EQ(detector_outputs(g).classes, 5);
  EXPECT_TRUE(is_detector(g));
}

TEST(AnchorLayout, OtherAnchorCountsAreReadOffTheHeads) {
  const ir::Graph g = ssdlite({.resolution = 64, .classes = 3, .extra_channels = {16}, .anchors = {2, 4, 1}});
  const std::vector<FeatureMapLayout> want = {{4, 4, 2}, {2, 2, 4}, {1, 1, 1}};
  EXPECT_EQ(anchor_layout(g), want);
}

TEST(AnchorLayout, AClassifierIsNoDetector) {
  const ir::Graph g = builtin_model("mobilenetv2-0.35", {.resolution = 32, .classes = 10});
  EXPECT_FALSE(is_detector(g));
  EXPECT_HWNAS_ERROR(anchor_layout(g), "a detector has outputs named \"boxes\"");
}

TEST(CheckDetectorFit, ScoresMustBeTheDatasetClassesPlusBackground) {
  const ir::Graph g = ssdlite({.resolution = 64, .classes = 6, .extra_channels = {16}, .anchors = {3, 6, 6}});
  check_detector_fit(g, 5, "coco:x");
  EXPECT_HWNAS_ERROR(check_detector_fit(g, 4, "coco:x"),
                     "its \"scores\" output is 6 wide but the dataset has 4 classes: a detector's scores are the "
                     "dataset's classes + 1");
}

TEST(SsdAnchors, ReducedLowestLayerAndLinearScalesByHand) {
  // Two maps, scales 0.2 and 0.8 (linear from min to max), then 1.0 as the last one's neighbour.
  const std::vector<FeatureMapLayout> maps = {{2, 2, 3}, {1, 1, 6}};
  const std::vector<Anchor> a = ssd_anchors(maps, {.min_scale = 0.2, .max_scale = 0.8});
  ASSERT_EQ(a.size(), 4u * 3 + 6);
  // Cell (0, 0) of the 2x2 map, centre (0.25, 0.25): (0.1, ratio 1), (0.2, 2), (0.2, 1/2).
  expect_anchor(a[0], 0.25, 0.25, 0.1, 0.1);
  expect_anchor(a[1], 0.25, 0.25, 0.2 / std::sqrt(2.0), 0.2 * std::sqrt(2.0));
  expect_anchor(a[2], 0.25, 0.25, 0.2 * std::sqrt(2.0), 0.2 / std::sqrt(2.0));
  expect_anchor(a[3], 0.25, 0.75, 0.1, 0.1);  // cell (0, 1): x moves first (NHWC order)
  expect_anchor(a[6], 0.75, 0.25, 0.1, 0.1);  // cell (1, 0)
  // The 1x1 map: ratios 1, 2, 1/2, 3, 1/3 at 0.8, then ratio 1 at sqrt(0.8 * 1.0).
  expect_anchor(a[12], 0.5, 0.5, 0.8, 0.8);
  expect_anchor(a[13], 0.5, 0.5, 0.8 / std::sqrt(2.0), 0.8 * std::sqrt(2.0));
  expect_anchor(a[15], 0.5, 0.5, 0.8 / std::sqrt(3.0), 0.8 * std::sqrt(3.0));
  expect_anchor(a[16], 0.5, 0.5, 0.8 * std::sqrt(3.0), 0.8 / std::sqrt(3.0));
  expect_anchor(a[17], 0.5, 0.5, std::sqrt(0.8), std::sqrt(0.8));
}

TEST(SsdAnchors, WithoutReductionOrOtherCountsAPrefixOfTheSix) {
  const std::vector<FeatureMapLayout> maps = {{1, 1, 3}, {1, 1, 2}};
  const std::vector<Anchor> a =
      ssd_anchors(maps, {.min_scale = 0.3, .max_scale = 0.6, .reduce_boxes_in_lowest_layer = false});
  ASSERT_EQ(a.size(), 5u);
  expect_anchor(a[0], 0.5, 0.5, 0.3, 0.3);
  expect_anchor(a[2], 0.5, 0.5, 0.3 * std::sqrt(2.0), 0.3 / std::sqrt(2.0));
  expect_anchor(a[3], 0.5, 0.5, 0.6, 0.6);
  expect_anchor(a[4], 0.5, 0.5, 0.6 / std::sqrt(2.0), 0.6 * std::sqrt(2.0));
  const std::vector<FeatureMapLayout> seven = {{1, 1, 7}};
  EXPECT_HWNAS_ERROR(ssd_anchors(seven, {}), "with 7 anchors per location; SSD's generator gives 1 to 6");
  EXPECT_HWNAS_ERROR(ssd_anchors(maps, {.min_scale = 0.5, .max_scale = 0.4}), "max_scale (0.4) must be at least");
}

TEST(BoxCoding, SsdVariancesByHandAndBack) {
  const Anchor anchor{.cy = 0.5f, .cx = 0.5f, .h = 0.2f, .w = 0.2f};
  const Anchor box{.cy = 0.52f, .cx = 0.46f, .h = 0.3f, .w = 0.1f};
  const std::array<float, 4> t = encode_box(box, anchor);
  EXPECT_NEAR(t[0], 10 * 0.02 / 0.2, 1e-5);    // 1.0
  EXPECT_NEAR(t[1], 10 * -0.04 / 0.2, 1e-5);   // -2.0
  EXPECT_NEAR(t[2], 5 * std::log(1.5), 1e-5);  // 2.0273
  EXPECT_NEAR(t[3], 5 * std::log(0.5), 1e-5);  // -3.4657
  expect_anchor(decode_box(t, anchor), 0.52, 0.46, 0.3, 0.1);
}

TEST(BoxCoding, DecodeBoxesGivesClippedPixelBoxes) {
  const std::vector<Anchor> anchors = {{.cy = 0.1f, .cx = 0.5f, .h = 0.4f, .w = 0.2f}};
  // Zero codes: the anchor itself, y from -0.1 to 0.3 (clipped at 0), x from 0.4 to 0.6, in 100 x 200 pixels.
  const std::vector<float> raw = {0, 0, 0, 0};
  const auto b = decode_boxes(raw, anchors, 100, 200);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NEAR(b[0][0], 80, 1e-4);  // x
  EXPECT_NEAR(b[0][1], 0, 1e-4);   // y
  EXPECT_NEAR(b[0][2], 40, 1e-4);  // w
  EXPECT_NEAR(b[0][3], 30, 1e-4);  // h
  EXPECT_HWNAS_ERROR(decode_boxes(std::vector<float>(3), anchors, 1, 1), "1 anchors need 4 box codes, got 3");
}

TEST(Registry, SsdLiteWithAWidth) {
  const ir::Graph g = builtin_model("ssdlite-mobilenetv2-0.5", {.resolution = 160, .classes = 6});
  EXPECT_EQ(g.name(), "ssdlite-mobilenetv2-0.5");
  EXPECT_EQ(g, [] {
    ir::Graph want = ssdlite({.width = 0.5, .resolution = 160, .classes = 6});
    want.set_name("ssdlite-mobilenetv2-0.5");
    return want;
  }());
}

}  // namespace
}  // namespace hwnas::models
