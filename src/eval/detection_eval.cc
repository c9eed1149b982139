#include "hwnas/eval/detection_eval.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/eval/accuracy.h"
#include "hwnas/runtime/backend.h"

namespace hwnas::eval {
namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

DetectionEvaluation evaluate_detector(const ir::Graph& g, const runtime::Weights& w, const data::Coco& coco,
                                      const DetectionEvalOptions& o) {
  const std::string dataset = "coco:" + coco.path;
  const int classes = static_cast<int>(coco.class_names.size());
  models::check_detector_fit(g, classes, dataset);
  const data::CocoSplit& split = coco.split(o.split);
  if (split.images.empty())
    fail(dataset, "has no {} split (no images); give another --split", data::split_name(o.split));
  const models::DetectorOutputs heads = models::detector_outputs(g);
  const std::vector<models::Anchor> anchors = models::ssd_anchors(models::anchor_layout(g), o.anchors);
  const ir::Shape& in = g.node(g.inputs()[0]).shape;
  const int batch = static_cast<int>(in[0]), h = static_cast<int>(in.h()), wd = static_cast<int>(in.w());
  auto prepared = runtime::make_backend(o.backend)->prepare(g, w, {.threads = o.threads});
  auto output_of = [&](int node) {
    const std::vector<int>& outs = g.outputs();
    return static_cast<int>(std::find(outs.begin(), outs.end(), node) - outs.begin());
  };
  const int boxes_out = output_of(heads.boxes), scores_out = output_of(heads.scores);
  const size_t per_image = static_cast<size_t>(h) * static_cast<size_t>(wd) * 3;
  const size_t box_values = anchors.size() * 4, score_values = anchors.size() * static_cast<size_t>(classes + 1);

  DetectionEvaluation e;
  e.class_names = coco.class_names;
  e.objects.assign(static_cast<size_t>(classes), 0);
  const std::vector<int64_t> indices = eval_indices(static_cast<int64_t>(split.images.size()), o.max_images);
  std::vector<std::vector<data::Object>> truth;
  std::vector<std::vector<data::Detection>> found;
  for (size_t start = 0; start < indices.size(); start += static_cast<size_t>(batch)) {
    const size_t n = std::min(indices.size() - start, static_cast<size_t>(batch));
    std::span<float> x = prepared->input(0);
    std::fill(x.begin(), x.end(), 0.0f);  // unused slots of a last partial batch
    for (size_t i = 0; i < n; ++i) {
      data::CocoExample ex = data::load_coco_example(split.images[static_cast<size_t>(indices[start + i])], h, wd);
      std::copy(ex.x.begin(), ex.x.end(), x.begin() + static_cast<ptrdiff_t>(i * per_image));
      for (const data::Object& obj : ex.objects)
        if (!obj.crowd) ++e.objects[static_cast<size_t>(obj.label)];
      truth.push_back(std::move(ex.objects));
    }
    prepared->invoke();
    const std::span<const float> boxes = prepared->output(boxes_out), scores = prepared->output(scores_out);
    for (size_t i = 0; i < n; ++i) {
      const auto decoded = models::decode_boxes(boxes.subspan(i * box_values, box_values), anchors, h, wd);
      found.push_back(
          data::select_detections(decoded, scores.subspan(i * score_values, score_values), classes, o.select));
      e.detections += static_cast<int64_t>(found.back().size());
    }
    if (o.progress) o.progress(static_cast<int64_t>(start + n), static_cast<int64_t>(indices.size()));
  }
  e.images = static_cast<int64_t>(indices.size());
  e.map = data::detection_map(truth, found, classes);
  return e;
}

std::string describe(const DetectionEvaluation& e, const data::Coco& coco, const DetectionEvalOptions& o) {
  return fmt::format("measured ({} f32 on {} {} images of coco:{}; COCO mAP as pycocotools computes it)", o.backend,
                     e.images, data::split_name(o.split), coco.path);
}

nlohmann::json to_json(const DetectionEvaluation& e) {
  nlohmann::json per_class = nlohmann::json::object();
  int64_t objects = 0;
  for (size_t c = 0; c < e.class_names.size(); ++c) {
    double ap = 0;
    for (double v : e.map.ap[c]) ap += v;
    per_class[e.class_names[c]] = {{"ap50", number_or_null(e.map.ap[c][0])},
                                   {"ap", number_or_null(ap / data::kIouThresholds)},
                                   {"objects", e.objects[c]}};
    objects += e.objects[c];
  }
  return {{"map50", number_or_null(e.map.map50)},
          {"map", number_or_null(e.map.map)},
          {"map75", number_or_null(e.map.map75)},
          {"per_class", per_class},
          {"images", e.images},
          {"detections", e.detections},
          {"objects", objects}};
}

}  // namespace hwnas::eval
