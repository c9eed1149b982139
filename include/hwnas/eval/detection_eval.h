#pragma once
// COCO mAP of a detector with its weights on a COCO split, run on a runtime backend (xnnpack by
// default, or the reference oracle), independently of the libtorch trainer: each image is loaded
// at the graph's input size (data::load_coco_example: [0, 1] RGB, as the trainer feeds it), the
// "boxes" and "scores" outputs are decoded with SSD's anchors (models/ssd_anchors.h) and
// data::select_detections, and data::detection_map scores them against the ground truth in pixels
// of the resized image. Measured, so describe() says so.
//
//   const data::Coco coco = data::read_coco("inspect");
//   const eval::DetectionEvaluation e = eval::evaluate_detector(g, w, coco, {.detector = *train::...});
//   e.map.map50;   e.map.map;   eval::describe(e, coco, options);
//
// The graph must follow the detector convention (models::detector_outputs) with the dataset's
// classes + 1 scores; Error otherwise, naming the model and the dataset.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/data/boxes.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/detection_map.h"
#include "hwnas/ir/graph.h"
#include "hwnas/models/ssd_anchors.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::eval {

struct DetectionEvalOptions {
  std::string backend = "xnnpack";  // runtime::make_backend name (with a DetectorRun: what runs it)
  int threads = 1;
  data::Split split = data::Split::test;
  int64_t max_images = 0;         // 0: all; else that many evenly spaced (eval_indices)
  models::AnchorOptions anchors;  // as the detector was trained with (its folder's detector.json)
  data::DetectionSelectOptions select;
  std::function<void(int64_t done, int64_t total)> progress;
};

struct DetectionEvaluation {
  data::DetectionMap map;
  std::vector<std::string> class_names;
  std::vector<int64_t> objects;  // non-crowd ground truths per class
  int64_t images = 0;
  int64_t detections = 0;  // kept after NMS, over all images
};

DetectionEvaluation evaluate_detector(const ir::Graph& g, const runtime::Weights& w, const data::Coco& coco,
                                      const DetectionEvalOptions& options = {});

// The same evaluation of a detector the caller runs (an int8 model, another runtime): `run` gets
// one image (H x W x 3 floats, [0, 1] RGB, HWC) and fills the graph's "boxes" (A x 4) and "scores"
// (A x (classes + 1)) outputs as floats. `options.backend` then names what ran it, for describe().
using DetectorRun = std::function<void(std::span<const float> image, std::span<float> boxes, std::span<float> scores)>;
DetectionEvaluation evaluate_detector(const ir::Graph& g, const data::Coco& coco, const DetectionEvalOptions& options,
                                      const DetectorRun& run);

// "measured (xnnpack f32 on 100 test images of coco:/data/inspect; ...)"; with a DetectorRun,
// options.backend in place of "xnnpack f32".
std::string describe(const DetectionEvaluation& e, const data::Coco& coco, const DetectionEvalOptions& options);

// {"map50", "map", "map75" (null when undefined), "per_class": {name: {"ap50", "ap", "objects"}},
//  "images", "detections", "objects"}.
nlohmann::json to_json(const DetectionEvaluation& e);

}  // namespace hwnas::eval
