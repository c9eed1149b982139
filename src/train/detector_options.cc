// The torch-free part of detector.h: compiled into both hwnas_train and the CLI's
// hwnas_train_loader, which checks a detector against its dataset before loading the plugin.
#include <array>

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/train/detector.h"

namespace hwnas::train {
namespace {

constexpr std::array<std::string_view, 10> kKeys = {"min_scale",
                                                    "max_scale",
                                                    "lowest_scale",
                                                    "reduce_boxes_in_lowest_layer",
                                                    "match_iou",
                                                    "negatives_per_positive",
                                                    "min_negatives_per_image",
                                                    "score_threshold",
                                                    "nms_iou",
                                                    "max_detections"};

}  // namespace

bool is_detector_option(std::string_view key) {
  for (std::string_view k : kKeys)
    if (k == key) return true;
  return false;
}

nlohmann::json detector_options_json(const DetectorOptions& o) {
  return {{"min_scale", o.anchors.min_scale},
          {"max_scale", o.anchors.max_scale},
          {"lowest_scale", o.anchors.lowest_scale},
          {"reduce_boxes_in_lowest_layer", o.anchors.reduce_boxes_in_lowest_layer},
          {"match_iou", o.match_iou},
          {"negatives_per_positive", o.negatives_per_positive},
          {"min_negatives_per_image", o.min_negatives_per_image},
          {"score_threshold", o.select.score_threshold},
          {"nms_iou", o.select.nms.iou_threshold},
          {"max_detections", o.select.nms.top_k}};
}

DetectorOptions detector_options_from_json(const nlohmann::json& j) {
  if (!j.is_object()) fail("detector options", "expected a JSON object, got {}", j.dump());
  DetectorOptions o;
  for (const auto& [key, value] : j.items()) {
    if (!is_detector_option(key))
      fail("detector option '" + key + "'", "unknown; the options are {}", fmt::join(kKeys, ", "));
    try {
      if (key == "min_scale") o.anchors.min_scale = value.get<double>();
      if (key == "max_scale") o.anchors.max_scale = value.get<double>();
      if (key == "lowest_scale") o.anchors.lowest_scale = value.get<double>();
      if (key == "reduce_boxes_in_lowest_layer") o.anchors.reduce_boxes_in_lowest_layer = value.get<bool>();
      if (key == "match_iou") o.match_iou = value.get<double>();
      if (key == "negatives_per_positive") o.negatives_per_positive = value.get<double>();
      if (key == "min_negatives_per_image") o.min_negatives_per_image = value.get<int>();
      if (key == "score_threshold") o.select.score_threshold = value.get<double>();
      if (key == "nms_iou") o.select.nms.iou_threshold = value.get<double>();
      if (key == "max_detections") o.select.nms.top_k = value.get<size_t>();
    } catch (const nlohmann::json::exception&) {
      fail("detector option '" + key + "'", "has the wrong type ({}); give a {}", value.dump(),
           key == "reduce_boxes_in_lowest_layer" ? "true or false" : "number");
    }
  }
  check_detector_options(o);
  return o;
}

void check_detector_options(const DetectorOptions& o) {
  models::check_anchor_options(o.anchors);
  if (!(o.match_iou > 0 && o.match_iou <= 1))
    fail("detector option match_iou", "must be in (0, 1], got {}", o.match_iou);
  if (!(o.negatives_per_positive > 0))
    fail("detector option negatives_per_positive", "must be positive, got {}", o.negatives_per_positive);
  if (o.min_negatives_per_image < 0)
    fail("detector option min_negatives_per_image", "must be >= 0, got {}", o.min_negatives_per_image);
  if (!(o.select.score_threshold >= 0 && o.select.score_threshold < 1))
    fail("detector option score_threshold", "must be in [0, 1), got {}", o.select.score_threshold);
  if (!(o.select.nms.iou_threshold > 0 && o.select.nms.iou_threshold <= 1))
    fail("detector option nms_iou", "must be in (0, 1], got {}", o.select.nms.iou_threshold);
}

}  // namespace hwnas::train
