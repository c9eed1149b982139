#pragma once
// The pieces of train_detector()'s loss (detector.h), exposed so that tests can check each against
// a hand calculation: SSD's matching, the regression targets, hard-negative mining and the loss.
// Includes libtorch: only src/train/ and tests include it.
//
//   std::vector<int> m = train::match_anchors(anchors, truth, 0.5);   // per anchor: object or -1
//   train::DetectionTargets t = train::detection_targets(anchors, truth, labels, 0.5);
//   train::DetectionLoss l = train::ssd_loss(box_codes, logits, box_targets, classes, {.negatives_per_positive = 3});
#include <span>
#include <vector>

#include <torch/torch.h>

#include "hwnas/models/ssd_anchors.h"

namespace hwnas::train {

// IoU of two boxes in centre form (models::Anchor); 0 when they do not overlap.
double center_iou(const models::Anchor& a, const models::Anchor& b);

// SSD's matching: anchor i gets the ground truth j of highest IoU when that IoU >= threshold (ties:
// the lower j), else -1; then every ground truth, in order, takes its own best anchor (ties: the
// lower anchor) whatever the IoU, so that each object has at least one anchor (a later object
// whose best anchor is the same one takes it over). A ground truth of zero size matches nothing.
std::vector<int> match_anchors(std::span<const models::Anchor> anchors, std::span<const models::Anchor> truth,
                               double threshold);

// One image's targets: class per anchor (0 background, object label + 1 otherwise) and the encoded
// offsets of the matched ground truth (models::encode_box; zeros for background anchors).
struct DetectionTargets {
  torch::Tensor classes;  // [A] int64
  torch::Tensor boxes;    // [A, 4] float
};
DetectionTargets detection_targets(std::span<const models::Anchor> anchors, std::span<const models::Anchor> truth,
                                   std::span<const int> labels, double threshold);

// Which background anchors enter the classification loss: per image (row), the
// max(ratio * positives, min_negatives) background anchors of highest `class_loss` (ties: the
// lower index), or all of them when there are fewer. class_loss and positive are [N, A].
torch::Tensor hard_negatives(const torch::Tensor& class_loss, const torch::Tensor& positive, double ratio,
                             int min_negatives);

struct SsdLossOptions {
  double negatives_per_positive = 3;
  int min_negatives_per_image = 3;
  double label_smoothing = 0;
};
struct DetectionLoss {
  torch::Tensor total;    // box + classes
  torch::Tensor box;      // smooth L1 (beta 1) summed over positives' 4 codes / positives
  torch::Tensor classes;  // cross-entropy summed over positives and mined negatives / positives
  int64_t positives = 0;  // matched anchors in the batch (the divisor is max(1, positives))
};
// box_codes [N, A, 4] and logits [N, A, K+1] as the graph outputs them; targets stacked per image.
DetectionLoss ssd_loss(const torch::Tensor& box_codes, const torch::Tensor& logits, const torch::Tensor& box_targets,
                       const torch::Tensor& class_targets, const SsdLossOptions& options);

}  // namespace hwnas::train
