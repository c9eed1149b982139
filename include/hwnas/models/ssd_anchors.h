#pragma once
// SSD's anchors (default boxes) for any detector graph that follows hwnas's convention, and the
// box coding between them and the "boxes" output. Training (train/detector.h) and evaluation on
// a runtime backend (eval/detection_eval.h) both decode with these, so they agree by construction.
//
// The convention (models/ssdlite.h builds it, the detection space does too): outputs "boxes"
// [1, A, 4] and "scores" [1, A, K+1] (index 0 background, dataset class c is index c+1), each a
// Concat along axis 1 of one head per feature map, finest map first; a head ends in a 1x1
// convolution to anchors*4 (anchors*(K+1)) channels over an H x W map, reshaped to [1, -1, 4].
// Anchor a of cell (y, x) of a map is row (y*W + x)*anchors + a of its head: the NHWC order of
// the reshape.
//
//   const ir::Graph g = models::ssdlite({.width = 0.5, .resolution = 160, .classes = 6});
//   std::vector<models::FeatureMapLayout> maps = models::anchor_layout(g);    // {10,10,3}, {5,5,6}, ...
//   std::vector<models::Anchor> anchors = models::ssd_anchors(maps, {.min_scale = 0.1, .max_scale = 0.6});
//   std::array<float, 4> t = models::encode_box(gt, anchors[7]);    // the regression target
//   models::Anchor back = models::decode_box(t, anchors[7]);        // == gt (to float rounding)
//
// The anchors are those of the TensorFlow object detection API's ssd_anchor_generator
// (anchor_generators/multiple_grid_anchor_generator.py, create_ssd_anchors, which
// ssdlite_mobilenet_v2_coco.config uses): the scale of map k of n is
//   s_k = min_scale + (max_scale - min_scale) * k / (n - 1)       (s_n = 1 for the last's neighbour)
// and each location of a map gets, in this order, the boxes of aspect ratio r (height s/sqrt(r),
// width s*sqrt(r), relative to the image) for r = 1, 2, 1/2, 3, 1/3, then one of ratio 1 and
// scale sqrt(s_k * s_{k+1}) (interpolated_scale_aspect_ratio = 1): 6 anchors. With
// reduce_boxes_in_lowest_layer (on there, and here), the first map with exactly 3 anchors per
// location gets (0.1, ratio 1), (s_0, 2), (s_0, 1/2) instead, 0.1 being that generator's fixed
// scale (lowest_scale here). A map with another count n <= 6 takes the first n of the six;
// more than 6 is an Error. Centres are at ((x + 0.5) / W, (y + 0.5) / H), the generator's
// default strides and offsets; anchors are not clipped (clip_window unset in that config).
//
// The coding is the API's FasterRcnnBoxCoder with scale_factors [10, 10, 5, 5], i.e. SSD's
// variances 0.1 and 0.2 (Liu et al. 2016, the Caffe prior-box variances): for a box (cy, cx, h, w)
// and its anchor (acy, acx, ah, aw),
//   t = [10 (cy - acy) / ah, 10 (cx - acx) / aw, 5 ln(h / ah), 5 ln(w / aw)]
// in that order (y, x, h, w), which is the order of the 4 values of a "boxes" row.
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::models {

// One feature map of a detector, as its heads see it.
struct FeatureMapLayout {
  int height = 0, width = 0;
  int anchors = 0;  // per location
  bool operator==(const FeatureMapLayout&) const = default;
};

// An anchor or a box in normalized image coordinates (0..1 over the height and width).
struct Anchor {
  float cy = 0, cx = 0;  // centre
  float h = 0, w = 0;
};

struct AnchorOptions {
  double min_scale = 0.2;   // of the finest map (the API's default 0.2; ssdlite's config too)
  double max_scale = 0.95;  // of the coarsest map
  bool reduce_boxes_in_lowest_layer = true;
  double lowest_scale = 0.1;  // the first anchor of a reduced lowest layer
};

// Throws hwnas::Error naming the option when 0 < min_scale <= max_scale and 0 < lowest_scale do not hold.
void check_anchor_options(const AnchorOptions& o);

// The outputs of a detector graph: ids of its "boxes" and "scores" nodes.
struct DetectorOutputs {
  int boxes = -1, scores = -1;
  int classes = 0;  // scores' last dimension minus the background: the dataset classes it predicts
};
// Error naming the graph when it has no output named "boxes" [1, A, 4] and "scores" [1, A, K+1]
// (K >= 1) with the same A.
DetectorOutputs detector_outputs(const ir::Graph& g);
bool is_detector(const ir::Graph& g);  // whether detector_outputs() would succeed
// Error naming the graph and `dataset` unless g is a detector for `dataset_classes` classes: scores
// [1, A, dataset_classes + 1] (the message says so), one [1, H, W, 3] input, heads anchor_layout reads.
void check_detector_fit(const ir::Graph& g, int dataset_classes, std::string_view dataset);

// The feature maps of a detector, finest first: each input of the boxes Concat traced back
// through its Reshape to the convolution that feeds it (H, W of its output, channels / 4 anchors).
// Error naming the node when a head does not have that form or the counts do not add up to A.
std::vector<FeatureMapLayout> anchor_layout(const ir::Graph& g);

// All anchors of `maps` in the order of the boxes output (map, y, x, anchor). Error when a map
// has more than 6 anchors per location. Checks `o`.
std::vector<Anchor> ssd_anchors(std::span<const FeatureMapLayout> maps, const AnchorOptions& o);

// SSD's variances as the coder's scale factors (the API's [10, 10, 5, 5]).
inline constexpr std::array<float, 4> kBoxCoderScales = {10.0f, 10.0f, 5.0f, 5.0f};

std::array<float, 4> encode_box(const Anchor& box, const Anchor& anchor);
Anchor decode_box(std::span<const float, 4> t, const Anchor& anchor);

// The "boxes" output of one image (anchors.size() rows of 4 codes) decoded into boxes in pixels
// of a height x width image, as COCO writes them: [x, y, w, h], clipped to the image (what the
// ground truth is too). Error when raw does not have 4 values per anchor.
std::vector<std::array<float, 4>> decode_boxes(std::span<const float> raw, std::span<const Anchor> anchors, int height,
                                               int width);

}  // namespace hwnas::models
