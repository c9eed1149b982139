// The detector's loss pieces (train/detection_loss.h) against hand calculations: SSD's matching
// (Liu et al. 2016, section 2.2), the encoded targets, hard-negative mining 3:1, and the loss.
#include "hwnas/train/detection_loss.h"

#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hwnas/train/detector.h"
#include "testing.h"

namespace hwnas::train {
namespace {

using models::Anchor;

TEST(MatchAnchors, ThresholdThenEachObjectsBestAnchorForced) {
  const std::vector<Anchor> anchors = {{.cy = 0.5f, .cx = 0.5f, .h = 0.2f, .w = 0.2f},
                                       {.cy = 0.5f, .cx = 0.6f, .h = 0.2f, .w = 0.2f},
                                       {.cy = 0.2f, .cx = 0.2f, .h = 0.1f, .w = 0.1f}};
  // Object 0 (x 0.44..0.64) overlaps anchor 0 (x 0.4..0.6) by 0.16 x 0.2 = 0.032 of a
  // 0.04 + 0.04 - 0.032 union: IoU 2/3; anchor 1 (x 0.5..0.7) by 0.14 x 0.2 = 0.028: 0.028 / 0.052 =
  // 7/13. Object 1 is a 0.02 square inside anchor 2: IoU 0.0004 / 0.01 = 0.04, matched only by force.
  const std::vector<Anchor> truth = {{.cy = 0.5f, .cx = 0.54f, .h = 0.2f, .w = 0.2f},
                                     {.cy = 0.2f, .cx = 0.2f, .h = 0.02f, .w = 0.02f}};
  EXPECT_NEAR(center_iou(anchors[0], truth[0]), 2.0 / 3, 1e-6);
  EXPECT_NEAR(center_iou(anchors[1], truth[0]), 7.0 / 13, 1e-6);
  EXPECT_NEAR(center_iou(anchors[2], truth[1]), 0.04, 1e-6);
  EXPECT_EQ(match_anchors(anchors, truth, 0.5), (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(match_anchors(anchors, truth, 0.6), (std::vector<int>{0, -1, 1}));
  // Above both IoUs only the forced matches are left: object 0's best anchor, and object 1's.
  EXPECT_EQ(match_anchors(anchors, truth, 0.7), (std::vector<int>{0, -1, 1}));
  EXPECT_EQ(match_anchors(anchors, {}, 0.5), (std::vector<int>{-1, -1, -1}));
}

TEST(DetectionTargets, ClassesShiftedPastBackgroundAndEncodedOffsets) {
  const std::vector<Anchor> anchors = {{.cy = 0.5f, .cx = 0.5f, .h = 0.2f, .w = 0.2f},
                                       {.cy = 0.1f, .cx = 0.9f, .h = 0.1f, .w = 0.1f}};
  const std::vector<Anchor> truth = {{.cy = 0.52f, .cx = 0.46f, .h = 0.3f, .w = 0.1f}};
  const std::vector<int> labels = {2};
  const DetectionTargets t = detection_targets(anchors, truth, labels, 0.5);
  EXPECT_EQ(t.classes[0].item<int64_t>(), 3);  // label 2 -> index 3 (0 is background)
  EXPECT_EQ(t.classes[1].item<int64_t>(), 0);
  // 10 * 0.02 / 0.2, 10 * -0.04 / 0.2, 5 ln 1.5, 5 ln 0.5
  EXPECT_NEAR(t.boxes[0][0].item<float>(), 1.0, 1e-5);
  EXPECT_NEAR(t.boxes[0][1].item<float>(), -2.0, 1e-5);
  EXPECT_NEAR(t.boxes[0][2].item<float>(), 5 * std::log(1.5), 1e-5);
  EXPECT_NEAR(t.boxes[0][3].item<float>(), 5 * std::log(0.5), 1e-5);
  EXPECT_EQ(t.boxes[1].abs().sum().item<float>(), 0.0f);
}

TEST(HardNegatives, TheHighestLossBackgroundAnchorsRatioTimesThePositives) {
  const torch::Tensor loss = torch::tensor({0.5f, 2.0f, 0.1f, 3.0f, 1.0f, 0.2f}).reshape({1, 6});
  const torch::Tensor positive = torch::tensor({false, true, false, false, false, false}).reshape({1, 6});
  // One positive, ratio 2: the two worst negatives, 3.0 (anchor 3) and 1.0 (anchor 4).
  EXPECT_TRUE(torch::equal(hard_negatives(loss, positive, 2, 0),
                           torch::tensor({false, false, false, true, true, false}).reshape({1, 6})));
  // At least 3: anchor 0 (0.5) too.
  EXPECT_TRUE(torch::equal(hard_negatives(loss, positive, 2, 3),
                           torch::tensor({true, false, false, true, true, false}).reshape({1, 6})));
  // Ratio 3 on a row with no positive and no minimum: nothing; 10 wanted, 5 there: all of them.
  const torch::Tensor none = torch::zeros({1, 6}, torch::kBool);
  EXPECT_EQ(hard_negatives(loss, none, 3, 0).sum().item<int64_t>(), 0);
  EXPECT_EQ(hard_negatives(loss, positive, 10, 0).sum().item<int64_t>(), 5);
}

TEST(SsdLoss, SmoothL1OnPositivesAndMinedCrossEntropyOverPositives) {
  // Anchor 0 is class 1 with logits [0, 0]: CE ln 2. Anchor 1 is background with logits
  // [0, ln 3]: p(background) = 1/4, CE ln 4; mined (3 per positive allowed, 1 there).
  const torch::Tensor logits = torch::tensor({0.0f, 0.0f, 0.0f, static_cast<float>(std::log(3.0))}).reshape({1, 2, 2});
  const torch::Tensor classes = torch::tensor({1, 0}, torch::kInt64).reshape({1, 2});
  // Codes of anchor 0: [0.5, 0, 0, 2] against zeros: 0.5 * 0.5^2 + (2 - 0.5) = 1.625 (beta 1).
  // Anchor 1's codes are background: not counted, whatever they are.
  const torch::Tensor codes = torch::tensor({0.5f, 0.0f, 0.0f, 2.0f, 9.0f, 9.0f, 9.0f, 9.0f}).reshape({1, 2, 4});
  const torch::Tensor targets = torch::zeros({1, 2, 4});
  const DetectionLoss l = ssd_loss(codes, logits, targets, classes, {});
  EXPECT_EQ(l.positives, 1);
  EXPECT_NEAR(l.box.item<double>(), 1.625, 1e-6);
  EXPECT_NEAR(l.classes.item<double>(), std::log(8.0), 1e-6);
  EXPECT_NEAR(l.total.item<double>(), 1.625 + std::log(8.0), 1e-6);
  // With no negatives mined (ratio tiny, floor to 0): only ln 2.
  const DetectionLoss p =
      ssd_loss(codes, logits, targets, classes, {.negatives_per_positive = 0.5, .min_negatives_per_image = 0});
  EXPECT_NEAR(p.classes.item<double>(), std::log(2.0), 1e-6);
}

TEST(DetectorOptions, JsonRoundTripAndErrors) {
  DetectorOptions o;
  o.anchors.min_scale = 0.07;
  o.select.score_threshold = 0.05;
  const DetectorOptions back = detector_options_from_json(detector_options_json(o));
  EXPECT_EQ(back.anchors.min_scale, 0.07);
  EXPECT_EQ(back.select.score_threshold, 0.05);
  EXPECT_EQ(back.select.nms.top_k, 100u);
  EXPECT_HWNAS_ERROR(detector_options_from_json({{"min_size", 1}}), "detector option 'min_size': unknown");
  EXPECT_HWNAS_ERROR(detector_options_from_json({{"min_scale", "big"}}), "has the wrong type");
  EXPECT_HWNAS_ERROR(detector_options_from_json({{"match_iou", 0}}), "match_iou: must be in (0, 1]");
  EXPECT_TRUE(is_detector_option("max_scale"));
  EXPECT_FALSE(is_detector_option("lr"));
}

}  // namespace
}  // namespace hwnas::train
