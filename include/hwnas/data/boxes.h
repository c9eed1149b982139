#pragma once
// Axis-aligned boxes as COCO writes them ([x, y, width, height], top-left corner, in pixels
// or any one unit), the objects of a detection dataset, a detector's detections, their IoU,
// per-class non-maximum suppression, and a detector's raw outputs turned into its detections
// (score threshold, NMS, top k). In data (not eval) because detectors, their training
// (train/) and their evaluation (data/detection_map.h) all need them, and data is below all.
//
//   std::vector<hwnas::data::Detection> d = {{{0, 0, 10, 10}, 0, 0.9}, {{1, 0, 10, 10}, 0, 0.8}};
//   hwnas::data::nms(d, {.iou_threshold = 0.5, .top_k = 100});   // {0}: the 0.8 box overlaps
//   // boxes: A decoded [x, y, w, h] (models::decode_boxes); logits: A rows of K+1 class logits
//   std::vector<hwnas::data::Detection> found = hwnas::data::select_detections(boxes, logits, 5, {});
#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace hwnas::data {

struct Box {
  double x = 0, y = 0;  // top-left corner
  double w = 0, h = 0;  // width and height, >= 0
  double area() const { return w * h; }
};

// A ground-truth object. `crowd` is COCO's iscrowd: a box around a group of objects, which
// evaluation neither requires to be found nor counts a detection on it as false.
struct Object {
  Box box;
  int label = 0;  // contiguous class index 0..classes-1
  bool crowd = false;
};

struct Detection {
  Box box;
  int label = 0;
  double score = 0;
};

// Intersection over union; 0 when both boxes are empty (nothing overlaps).
double iou(const Box& a, const Box& b);

struct NmsOptions {
  double iou_threshold = 0.5;  // a box is dropped when its IoU with a kept box of its class is above this
  size_t top_k = 100;          // at most this many boxes over all classes (0: no limit)
};

// The indices into `detections` that survive per-class greedy NMS, highest score first (ties:
// the earlier index first). Boxes of different classes never suppress each other.
std::vector<size_t> nms(std::span<const Detection> detections, const NmsOptions& options = {});

// How a detector's per-anchor outputs become detections. The defaults are those of the TF object
// detection API's ssdlite_mobilenet_v2_coco.config (post_processing: iou_threshold 0.6,
// max_total_detections 100) except the score threshold, 1e-8 there: 0.01 drops the thousands of
// near-zero candidates that cannot change AP by more than their share of the last recall step.
struct DetectionSelectOptions {
  double score_threshold = 0.01;  // a class probability below this is no detection
  NmsOptions nms = {.iou_threshold = 0.6, .top_k = 100};
};

// The detections of one image: anchor a's class c (0-based) is a candidate with the softmax
// probability of logit c+1 of its row (column 0 is the background) when that is at least the
// threshold, boxed by boxes[a] ([x, y, w, h]); then per-class NMS keeps at most top_k, highest
// score first. logits has boxes.size() rows of classes+1 values; Error when it does not.
std::vector<Detection> select_detections(std::span<const std::array<float, 4>> boxes, std::span<const float> logits,
                                         int classes, const DetectionSelectOptions& options = {});

}  // namespace hwnas::data
