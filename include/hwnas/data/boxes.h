#pragma once
// Axis-aligned boxes as COCO writes them ([x, y, width, height], top-left corner, in pixels
// or any one unit), the objects of a detection dataset, a detector's detections, their IoU,
// and per-class non-maximum suppression. In data (not eval) because detectors, their training
// (train/) and their evaluation (eval/detection_map.h) all need them, and data is below all.
//
//   std::vector<hwnas::data::Detection> d = {{{0, 0, 10, 10}, 0, 0.9}, {{1, 0, 10, 10}, 0, 0.8}};
//   hwnas::data::nms(d, {.iou_threshold = 0.5, .top_k = 100});   // {0}: the 0.8 box overlaps
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

}  // namespace hwnas::data
