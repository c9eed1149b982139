#pragma once
// COCO's detection metric, computed as pycocotools' COCOeval does for bounding boxes (area
// range "all", maxDets 100), without I/O: mAP@0.5 and mAP@[.5:.95], the figures detection
// papers and the NPU detector job report. In data (not eval) because the detector's trainer
// (train/detector.h, below eval) selects its epoch on it too.
//
//   std::vector<std::vector<Object>> gt = ...;       // per image: boxes, labels, iscrowd
//   std::vector<std::vector<Detection>> det = ...;   // per image: box, label, score
//   const data::DetectionMap m = data::detection_map(gt, det, /*classes=*/80);
//   m.map50;   // mAP@0.5
//   m.map;     // mAP@[.5:.95]
//
// Per class and IoU threshold t in 0.50, 0.55, ..., 0.95 (docs/eval.md has the whole
// definition): each image's detections of the class, highest score first and at most
// `max_detections` of them, are matched greedily: a detection takes the not yet matched
// ground truth with the highest IoU >= t. Matched is a true positive, unmatched a false
// positive (so a duplicate of a found object is false). Crowd ground truths are COCO's: never
// required, any number of detections may match one (IoU = intersection / detection area),
// and those detections count neither way. Over all images, detections sorted by score give a
// precision/recall curve; precision is made non-increasing, read at the 101 recalls 0, 0.01,
// .., 1 (0 past the last recall reached) and averaged: that is AP. A class with no non-crowd
// ground truth has no AP (NaN) and is left out of the means.
#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "hwnas/data/boxes.h"

namespace hwnas::data {

inline constexpr int kIouThresholds = 10;  // 0.50:0.05:0.95
// Threshold t (0..9) as COCOeval's np.linspace(.5, .95, 10) gives it, bit for bit.
double iou_threshold(int t);

struct DetectionMapOptions {
  // COCOeval's maxDets: it keeps the top 100 of each image *per class* (its evaluateImg runs
  // per image and category), which is what this is too.
  size_t max_detections = 100;
};

struct DetectionMap {
  std::vector<std::array<double, kIouThresholds>> ap;  // [class][threshold]; NaN: no ground truth
  double map50 = 0;  // mean of ap[c][0] over the classes with ground truth (NaN when there are none)
  double map75 = 0;  // the same at IoU 0.75
  double map = 0;    // mean over those classes and all 10 thresholds: mAP@[.5:.95]
  int classes_with_ground_truth = 0;
};

// ground_truth[i] and detections[i] belong to image i (the spans have the same length); labels
// are in 0..classes-1. Box units are free as long as both sides use the same ones.
DetectionMap detection_map(std::span<const std::vector<Object>> ground_truth,
                           std::span<const std::vector<Detection>> detections, int classes,
                           const DetectionMapOptions& options = {});

}  // namespace hwnas::data
