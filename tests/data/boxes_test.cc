#include "hwnas/data/boxes.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace hwnas::data
