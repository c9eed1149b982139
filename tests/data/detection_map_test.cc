#include "hwnas/data/detection_map.h"

#include <cmath>

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::data {
namespace {
using data::Box;
using data::Detection;
using data::Object;
using Gt = std::vector<std::vector<Object>>;
using Dets = std::vector<std::vector<Detection>>;

TEST(DetectionMap, IouThresholdsAreCocos) {
  EXPECT_EQ(iou_threshold(0), 0.5);
  EXPECT_NEAR(iou_threshold(4), 0.7, 1e-15);
  EXPECT_EQ(iou_threshold(9), 0.95);
}

// One class, one image, 3 ground truths and 4 detections:
//   g1 [0,0,10,10]   g2 [20,0,10,10]   g3 [40,0,10,10]   (x, y, w, h)
//   d1 0.9 [0,0,10,10]      on g1, IoU 1
//   d2 0.8 [100,100,10,10]  on nothing
//   d3 0.7 [20,0,9,8]       on g2, IoU 72 / 100 = 0.72
//   d4 0.6 [0,0,10,10]      a duplicate of d1: g1 is taken, so it is false
// g3 is never found.
//
// Thresholds 0.50, 0.55, 0.60, 0.65, 0.70 (0.72 passes them): by score, d1 TP, d2 FP, d3 TP, d4 FP
//   cumulative TP 1 1 2 2, FP 0 1 1 2
//   recall    1/3 1/3 2/3 2/3
//   precision 1   1/2 2/3 1/2  -> made non-increasing from the right: 1 2/3 2/3 1/2
//   recall thresholds 0.00..0.33 (34 of them): first recall >= r is d1's -> precision 1
//                     0.34..0.66 (33): first recall >= r is d3's (2/3 = 0.667) -> 2/3
//                     0.67..1.00 (34): never reached -> 0
//   AP = (34 * 1 + 33 * 2/3 + 34 * 0) / 101 = (34 + 22) / 101 = 56/101
// Thresholds 0.75 .. 0.95 (5): d3 no longer matches: d1 TP, d2 d3 d4 FP
//   recall 1/3 throughout, precision 1 1/2 1/3 1/4 -> 1 1/2 1/3 1/4
//   recall thresholds 0.00..0.33 (34) -> 1; the other 67 -> 0.  AP = 34/101
// mAP@0.5 = 56/101; mAP@0.75 = 34/101; mAP@[.5:.95] = (5 * 56 + 5 * 34) / (10 * 101) = 45/101.
TEST(DetectionMap, HandCalculatedCurve) {
  const Gt gt = {{{{0, 0, 10, 10}, 0}, {{20, 0, 10, 10}, 0}, {{40, 0, 10, 10}, 0}}};
  // Given out of score order: they are sorted by score first.
  const Dets det = {
      {{{20, 0, 9, 8}, 0, 0.7}, {{0, 0, 10, 10}, 0, 0.6}, {{0, 0, 10, 10}, 0, 0.9}, {{100, 100, 10, 10}, 0, 0.8}}};
  const DetectionMap m = detection_map(gt, det, 1);
  EXPECT_EQ(m.classes_with_ground_truth, 1);
  for (int t = 0; t < 5; ++t) EXPECT_NEAR(m.ap[0][t], 56.0 / 101, 1e-9) << t;
  for (int t = 5; t < 10; ++t) EXPECT_NEAR(m.ap[0][t], 34.0 / 101, 1e-9) << t;
  EXPECT_NEAR(m.map50, 56.0 / 101, 1e-9);
  EXPECT_NEAR(m.map75, 34.0 / 101, 1e-9);
  EXPECT_NEAR(m.map, 45.0 / 101, 1e-9);
}

TEST(DetectionMap, PerfectDetectorScoresOne) {
  const Gt gt = {{{{0, 0, 10, 10}, 0}, {{30, 30, 5, 8}, 1}}, {{{1, 2, 3, 4}, 1}}, {}};
  Dets det(gt.size());
  for (size_t i = 0; i < gt.size(); ++i)
    for (const auto& g : gt[i]) det[i].push_back({g.box, g.label, 0.5 + 0.1 * static_cast<double>(i)});
  const DetectionMap m = detection_map(gt, det, 2);
  EXPECT_EQ(m.classes_with_ground_truth, 2);
  EXPECT_NEAR(m.map50, 1.0, 1e-9);
  EXPECT_NEAR(m.map, 1.0, 1e-9);
}

// Every detection is its ground truth shifted 2 px right: IoU (8 * 10) / (200 - 80) = 2/3,
// which passes 0.50, 0.55, 0.60, 0.65 and fails 0.70 and above (no threshold is near 0.667).
// So AP is 1 at 4 thresholds and 0 at 6: mAP@0.5 = 1, mAP@[.5:.95] = 4/10.
TEST(DetectionMap, ShiftedBoxesPassOnlyTheLowThresholds) {
  Gt gt;
  Dets det;
  for (int i = 0; i < 5; ++i) {
    const double x = 10.0 * i;
    gt.push_back({{{x, 5, 10, 10}, 0}});
    det.push_back({{{x + 2, 5, 10, 10}, 0, 0.9 - 0.1 * i}});
  }
  const DetectionMap m = detection_map(gt, det, 1);
  EXPECT_NEAR(m.map50, 1.0, 1e-9);
  EXPECT_NEAR(m.ap[0][3], 1.0, 1e-9);  // 0.65
  EXPECT_NEAR(m.ap[0][4], 0.0, 1e-9);  // 0.70
  EXPECT_NEAR(m.map, 0.4, 1e-9);
}

// Class 1 has detections but no ground truth: no AP, and not in the means. Class 2 has ground
// truth but no detections: AP 0, and in the means.
TEST(DetectionMap, ClassesWithoutGroundTruthAreLeftOut) {
  const Gt gt = {{{{0, 0, 10, 10}, 0}}};
  const Dets det = {{{{0, 0, 10, 10}, 0, 0.9}, {{50, 50, 10, 10}, 1, 0.95}}};
  const DetectionMap m = detection_map(gt, det, 2);
  EXPECT_EQ(m.classes_with_ground_truth, 1);
  EXPECT_TRUE(std::isnan(m.ap[1][0]));
  EXPECT_NEAR(m.map50, 1.0, 1e-9);
  EXPECT_NEAR(m.map, 1.0, 1e-9);

  const Gt gt2 = {{{{0, 0, 10, 10}, 0}, {{20, 20, 10, 10}, 2}}};
  const DetectionMap m2 = detection_map(gt2, det, 3);
  EXPECT_EQ(m2.classes_with_ground_truth, 2);
  EXPECT_EQ(m2.ap[2][0], 0.0);
  EXPECT_NEAR(m2.map50, 0.5, 1e-9);
  EXPECT_TRUE(std::isnan(detection_map(Gt{{}}, det, 2).map));  // no ground truth at all
}

// g1, g2, g3 found by d1 (0.9), d3 (0.7), d4 (0.6); d2 (0.8) repeats d1's box.
//   TP 1 1 2 3, FP 0 1 1 1; recall 1/3 1/3 2/3 1; precision 1 1/2 2/3 3/4 -> 1 3/4 3/4 3/4
//   recall thresholds 0.00..0.33 (34) -> 1, 0.34..1.00 (67) -> 3/4
//   AP = (34 + 67 * 3/4) / 101 = 84.25 / 101 = 337/404.  Without d2 every detection is true: AP 1.
TEST(DetectionMap, DuplicatesAreFalsePositives) {
  const Gt gt = {{{{0, 0, 10, 10}, 0}, {{20, 0, 10, 10}, 0}, {{40, 0, 10, 10}, 0}}};
  Dets det = {
      {{{0, 0, 10, 10}, 0, 0.9}, {{0, 0, 10, 10}, 0, 0.8}, {{20, 0, 10, 10}, 0, 0.7}, {{40, 0, 10, 10}, 0, 0.6}}};
  EXPECT_NEAR(detection_map(gt, det, 1).map50, 337.0 / 404, 1e-9);
  det[0].erase(det[0].begin() + 1);
  EXPECT_NEAR(detection_map(gt, det, 1).map50, 1.0, 1e-9);
}

// A detection inside a crowd box (IoU with a crowd = intersection / detection area = 1) counts
// neither way. Scored as a false positive it would halve AP: TP 0 1, FP 1 1, recall 0 1,
// precision 0 1/2 -> 1/2 1/2, so every recall threshold reads 1/2: AP 1/2. A class whose only
// ground truth is a crowd has no AP.
TEST(DetectionMap, CrowdBoxesAreIgnoredAsCocoDoes) {
  const Gt gt = {{{{0, 0, 10, 10}, 0}, {{50, 0, 40, 40}, 0, true}, {{50, 0, 40, 40}, 1, true}}};
  const Dets det = {{{{55, 5, 10, 10}, 0, 0.9}, {{0, 0, 10, 10}, 0, 0.8}, {{60, 5, 10, 10}, 1, 0.9}}};
  const DetectionMap m = detection_map(gt, det, 2);
  EXPECT_NEAR(m.ap[0][0], 1.0, 1e-9);
  EXPECT_TRUE(std::isnan(m.ap[1][0]));
  EXPECT_EQ(m.classes_with_ground_truth, 1);
  // Without the crowd box, d1 is a false positive ahead of the true one: AP 1/2, as above.
  Gt no_crowd = {{gt[0][0]}};
  EXPECT_NEAR(detection_map(no_crowd, det, 2).ap[0][0], 0.5, 1e-9);
}

// COCOeval keeps the `max_detections` highest-scored detections per image and class.
TEST(DetectionMap, MaxDetectionsPerImageAndClass) {
  const Gt gt = {{{{0, 0, 10, 10}, 0}}};
  const Dets det = {{{{50, 0, 10, 10}, 0, 0.9}, {{70, 0, 10, 10}, 0, 0.8}, {{0, 0, 10, 10}, 0, 0.1}}};
  EXPECT_EQ(detection_map(gt, det, 1, {.max_detections = 2}).map50, 0.0);  // the true one is cut
  // With all 3: TP at rank 3, precision 1/3 at recall 1 for every recall threshold.
  EXPECT_NEAR(detection_map(gt, det, 1, {.max_detections = 3}).map50, 1.0 / 3, 1e-9);
}

TEST(DetectionMap, MismatchedInputsAreErrors) {
  const Gt gt = {{{{0, 0, 10, 10}, 0}}};
  EXPECT_HWNAS_ERROR(detection_map(gt, Dets{}, 1), "ground truth for 1 images but detections for 0");
  EXPECT_HWNAS_ERROR(detection_map(gt, Dets{{{{0, 0, 1, 1}, 3, 0.5}}}, 2),
                     "detections of image 0: label 3 is not in 0..1");
}

}  // namespace
}  // namespace hwnas::data
