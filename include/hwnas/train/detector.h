#pragma once
// train::train_detector(): an SSD-style detector (models/ssd_anchors.h's graph convention) trained
// on COCO-format data with libtorch, as SSD is (Liu et al. 2016, section 2.2): each anchor matched
// to the ground truth it overlaps most when the IoU is at least 0.5, and each ground truth's best
// anchor matched whatever its IoU; smooth L1 on the matched anchors' encoded offsets plus softmax
// cross-entropy over background and classes, with the negatives hard-mined 3:1 (the highest-loss
// background anchors, at least 3 per image as the TF object detection API's ssdlite config has
// min_negatives_per_image: 3). Both terms are divided by the number of matched anchors.
//
// Why hard-negative mining and not the focal loss: the graph's scores carry a background column
// ([1, A, K+1], softmax over it), which is SSD's formulation and the one hard-negative mining was
// defined for; the focal loss (Lin et al. 2017) is defined for K sigmoid outputs without a
// background column and a prior-initialised bias, a different head.
//
// The optimizer, schedule, weight decay, seed, threads and early stopping are TrainOptions' (label
// smoothing and max_examples too: a seeded subset of images per split). Images are decoded once at
// the graph's input size and kept in memory ([0, 1] RGB, as data::load_coco_example gives them);
// augmentation (TrainOptions::augment) flips each training image horizontally and vertically with
// probability 1/2 each and scales its brightness by a factor in [0.8, 1.2] (inspection images have
// no up or left, and lighting varies), seeded by (seed, epoch, image). Each epoch ends with the
// mAP@0.5 of the validation split (data/detection_map.h after data::select_detections), the best
// epoch's weights are kept (ties: the later epoch), and the test split's mAP of those is reported. Deterministic as
// train::train() is (trainer.h): same seed and threads, same weights.
//
//   const data::Coco coco = data::read_coco("inspect");
//   train::DetectorResult r = train::train_detector(graph, coco, {.epochs = 30, .threads = 2}, {});
//   r.test.map50;   r.log.back().val_map50;
//
// This header has no libtorch in it; the CLI reaches it through the plugin (plugin_api.h).
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hwnas/data/boxes.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/detection_map.h"
#include "hwnas/ir/graph.h"
#include "hwnas/models/ssd_anchors.h"
#include "hwnas/runtime/weights.h"
#include "hwnas/train/trainer.h"

namespace hwnas::train {

struct DetectorOptions {
  // Defects of a 160 px inspection image are 5-50 px (data/inspection_synth.h): SSD's defaults
  // (0.2..0.95) start above most of them.
  models::AnchorOptions anchors = {.min_scale = 0.1, .max_scale = 0.6};
  double match_iou = 0.5;               // an anchor with IoU >= this with a ground truth is matched to it
  double negatives_per_positive = 3;    // hard-negative mining ratio
  int min_negatives_per_image = 3;      // mined even from an image with no object
  data::DetectionSelectOptions select;  // decoding for validation and test
};
void check_detector_options(const DetectorOptions& o);  // Error naming the option

// DetectorOptions as JSON (a trained detector's detector.json, a train metric's YAML): keys
// min_scale, max_scale, lowest_scale, reduce_boxes_in_lowest_layer, match_iou,
// negatives_per_positive, min_negatives_per_image, score_threshold, nms_iou, max_detections.
// from_json: missing keys keep their defaults; an unknown key or a wrong type is an Error. Checked.
nlohmann::json detector_options_json(const DetectorOptions& o);
DetectorOptions detector_options_from_json(const nlohmann::json& j);
// Whether `key` is one of those (a train metric's options mix them with TrainOptions').
bool is_detector_option(std::string_view key);

struct DetectorEpochLog {
  int epoch = 0;  // 1-based
  double lr = 0;
  double train_loss = 0, box_loss = 0, class_loss = 0;  // means over the epoch's batches
  double val_map50 = 0, val_map = 0;                    // validation split, eval mode, not augmented
  double seconds = 0;
};

struct DetectorResult {
  runtime::Weights weights;  // of the best validation epoch (mAP@0.5; ties: the later)
  int best_epoch = 0;
  std::vector<DetectorEpochLog> log;
  bool stopped_early = false;
  double val_map50 = 0;               // of the kept weights
  data::DetectionMap test;            // of the kept weights on the test split (all NaN when there is none)
  std::vector<int64_t> test_objects;  // ground-truth objects per class in the test split
  int64_t train_images = 0, val_images = 0, test_images = 0;
  double seconds = 0;
};

struct DetectorProgress {
  int epoch = 0, epochs = 0;
  int64_t batch = 0, batches = 0;
  double loss = 0;     // running mean of this epoch
  double seconds = 0;  // since the start
  bool epoch_done = false;
  DetectorEpochLog log;  // when epoch_done
};
using DetectorProgressFn = std::function<void(const DetectorProgress&)>;

// Error (naming the graph and the dataset) when the graph does not fit the dataset
// (models::check_detector_fit) or the train or validation split is empty.
DetectorResult train_detector(const ir::Graph& g, const data::Coco& coco, const TrainOptions& options,
                              const DetectorOptions& detector, const DetectorProgressFn& progress = {});

}  // namespace hwnas::train
