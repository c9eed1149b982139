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

DetectionEvaluation evaluate_detector(const ir::Graph& g, const data::Coco& coco, const DetectionEvalOptions& o,
                                      const DetectorRun& run) {
  const std::string dataset = "coco:" + coco.path;
  const int classes = static_cast<int>(coco.class_names.size());
  models::check_detector_fit(g, classes, dataset);
  const data::CocoSplit& split = coco.split(o.split);
  if (split.images.empty())
    fail(dataset, "has no {} split (no images); give another --split", data::split_name(o.split));
  const std::vector<models::Anchor> anchors = models::ssd_anchors(models::anchor_layout(g), o.anchors);
  const ir::Shape& in = g.node(g.inputs()[0]).shape;
  const int h = static_cast<int>(in.h()), wd = static_cast<int>(in.w());
  std::vector<float> boxes(anchors.size() * 4), scores(anchors.size() * static_cast<size_t>(classes + 1));

  DetectionEvaluation e;
  e.class_names = coco.class_names;
  e.objects.assign(static_cast<size_t>(classes), 0);
  const std::vector<int64_t> indices = eval_indices(static_cast<int64_t>(split.images.size()), o.max_images);
  std::vector<std::vector<data::Object>> truth;
  std::vector<std::vector<data::Detection>> found;
  for (size_t i = 0; i < indices.size(); ++i) {
    data::CocoExample ex = data::load_coco_example(split.images[static_cast<size_t>(indices[i])], h, wd);
    for (const data::Object& obj : ex.objects)
      if (!obj.crowd) ++e.objects[static_cast<size_t>(obj.label)];
    truth.push_back(std::move(ex.objects));
    run(ex.x, boxes, scores);
    found.push_back(data::select_detections(models::decode_boxes(boxes, anchors, h, wd), scores, classes, o.select));
    e.detections += static_cast<int64_t>(found.back().size());
    if (o.progress) o.progress(static_cast<int64_t>(i + 1), static_cast<int64_t>(indices.size()));
  }
  e.images = static_cast<int64_t>(indices.size());
  e.map = data::detection_map(truth, found, classes);
  return e;
}

DetectionEvaluation evaluate_detector(const ir::Graph& g, const runtime::Weights& w, const data::Coco& coco,
                                      const DetectionEvalOptions& o) {
  models::check_detector_fit(g, static_cast<int>(coco.class_names.size()), "coco:" + coco.path);
  const models::DetectorOutputs heads = models::detector_outputs(g);
  auto prepared = runtime::make_backend(o.backend)->prepare(g, w, {.threads = o.threads});
  auto output_of = [&](int node) {
    const std::vector<int>& outs = g.outputs();
    return static_cast<int>(std::find(outs.begin(), outs.end(), node) - outs.begin());
  };
  const int boxes_out = output_of(heads.boxes), scores_out = output_of(heads.scores);
  // One image a run, in the first slot of a batched graph (the others stay zero).
  std::span<float> x = prepared->input(0);
  std::fill(x.begin(), x.end(), 0.0f);
  return evaluate_detector(g, coco, o,
                           [&](std::span<const float> image, std::span<float> boxes, std::span<float> scores) {
                             std::copy(image.begin(), image.end(), x.begin());
                             prepared->invoke();
                             const auto b = prepared->output(boxes_out), s = prepared->output(scores_out);
                             std::copy_n(b.begin(), boxes.size(), boxes.begin());
                             std::copy_n(s.begin(), scores.size(), scores.begin());
                           });
}

std::string describe(const DetectionEvaluation& e, const data::Coco& coco, const DetectionEvalOptions& o) {
  const std::vector<std::string> backends = runtime::backend_names();
  const bool runtime_backend = std::find(backends.begin(), backends.end(), o.backend) != backends.end();
  return fmt::format("measured ({}{} on {} {} images of coco:{}; COCO mAP as pycocotools computes it)", o.backend,
                     runtime_backend ? " f32" : "", e.images, data::split_name(o.split), coco.path);
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
