#include "hwnas/data/boxes.h"

#include <array>
#include <cmath>

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::data {
namespace {

TEST(Boxes, Iou) {
  // 10 x 10 boxes 2 apart in x: intersection 8 * 10 = 80, union 200 - 80 = 120.
  EXPECT_DOUBLE_EQ(iou({0, 0, 10, 10}, {2, 0, 10, 10}), 80.0 / 120);
  EXPECT_DOUBLE_EQ(iou({0, 0, 10, 10}, {0, 0, 10, 10}), 1.0);
  EXPECT_EQ(iou({0, 0, 10, 10}, {10, 0, 10, 10}), 0.0);  // touching edges do not overlap
  EXPECT_EQ(iou({0, 0, 0, 0}, {0, 0, 0, 0}), 0.0);
}

TEST(Boxes, NmsKeepsTheHigherScoredOfOverlappingBoxesPerClass) {
  const std::vector<Detection> d = {
      {{0, 0, 10, 10}, 0, 0.7},    // 0: overlaps 1 (IoU 80/120) and scores lower: dropped
      {{2, 0, 10, 10}, 0, 0.9},    // 1: kept first
      {{2, 0, 10, 10}, 1, 0.8},    // 2: same box as 1 but another class: kept
      {{50, 50, 10, 10}, 0, 0.6},  // 3: far away: kept
      {{0, 0, 10, 10}, 1, 0.5},    // 4: overlaps 2 (class 1) at 0.667: dropped
  };
  EXPECT_EQ(nms(d, {.iou_threshold = 0.5, .top_k = 0}), (std::vector<size_t>{1, 2, 3}));
  // A threshold above their IoU keeps both overlapping pairs.
  EXPECT_EQ(nms(d, {.iou_threshold = 0.7, .top_k = 0}), (std::vector<size_t>{1, 2, 0, 3, 4}));
  EXPECT_EQ(nms(d, {.iou_threshold = 0.5, .top_k = 2}), (std::vector<size_t>{1, 2}));
  EXPECT_TRUE(nms({}, {}).empty());
}

TEST(Boxes, SelectDetectionsSoftmaxThresholdAndNms) {
  // Two classes plus background. Box 0's logits [0, ln 3, 0]: softmax [1/5, 3/5, 1/5]; box 1's
  // [0, ln 3, 0] too, on nearly the same place (suppressed by box 0, same score: the earlier stays);
  // box 2's [ln 8, 0, 0]: [8/10, 1/10, 1/10], nothing reaches 0.25.
  const float l3 = static_cast<float>(std::log(3.0)), l8 = static_cast<float>(std::log(8.0));
  const std::vector<std::array<float, 4>> boxes = {{0, 0, 10, 10}, {1, 0, 10, 10}, {50, 50, 5, 5}};
  const std::vector<float> logits = {0, l3, 0, 0, l3, 0, l8, 0, 0};
  const std::vector<Detection> d = select_detections(boxes, logits, 2, {.score_threshold = 0.25});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].label, 0);
  EXPECT_NEAR(d[0].score, 0.6, 1e-6);
  EXPECT_EQ(d[0].box.x, 0);
  // At 0.15, class 1 (1/5) of boxes 0 and 1 and both classes of box 2 (1/10) stay out; class 1 of
  // box 0 comes in.
  const std::vector<Detection> low = select_detections(boxes, logits, 2, {.score_threshold = 0.15});
  ASSERT_EQ(low.size(), 2u);
  EXPECT_EQ(low[1].label, 1);
  EXPECT_NEAR(low[1].score, 0.2, 1e-6);
  EXPECT_HWNAS_ERROR(select_detections(boxes, std::vector<float>(6), 2), "3 boxes need 9 class logits");
}

}  // namespace
}  // namespace hwnas::data
