#include "npu_deploy_step.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/cost/latency_model.h"
#include "hwnas/exp/task_progress.h"
#include "hwnas/interop/plugin_loader.h"
#include "hwnas/models/ssd_anchors.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/dataset_eval.h"
#include "hwnas/quant/model_folder.h"
#include "hwnas/quant/run_int8.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "hwnas/train/run_dir.h"
#include "table.h"

namespace hwnas::cli {
namespace {
namespace fs = std::filesystem;

// A progress callback drawing a bar on a terminal; none in logs (the search's own output stays readable).
std::function<void(int64_t, int64_t)> bar(const char* what) {
  if (!::isatty(STDERR_FILENO)) return {};
  auto b = std::make_shared<exp::TaskProgress>(stderr, true, what, "images");
  return [b](int64_t done, int64_t total) { b->update(done, total); };
}

// The int8 model run as the evaluation's detector: the image quantized with the input's
// parameters, quant's reference kernels, the two heads dequantized.
eval::DetectorRun int8_run(const quant::QuantizedModel& m) {
  const models::DetectorOutputs heads = models::detector_outputs(m.graph);
  return [&m, heads](std::span<const float> image, std::span<float> boxes, std::span<float> scores) {
    runtime::Tensor x(m.graph.node(m.graph.inputs().at(0)).shape);
    std::copy(image.begin(), image.end(), x.data.begin());
    const auto values = quant::run_int8(m, quant::quantize_inputs(m, {x}));
    const auto b = quant::dequantize_values(values[static_cast<size_t>(heads.boxes)], m.output_params(heads.boxes));
    const auto s = quant::dequantize_values(values[static_cast<size_t>(heads.scores)], m.output_params(heads.scores));
    std::copy_n(b.begin(), boxes.size(), boxes.begin());
    std::copy_n(s.begin(), scores.size(), scores.begin());
  };
}

// Every node's processor (pandas reads it): node, op, processor, native, reason.
std::string placement_csv(const ir::Graph& g, const hw::Device& d, int& nodes, int& npu_nodes) {
  const std::vector<hw::Placement> placed = hw::place_all(d, g, ir::DType::i8);
  std::string csv = core::csv_line({"node", "op", "processor", "native", "reason"});
  nodes = npu_nodes = 0;
  for (int id = 0; id < g.size(); ++id) {
    const ir::Node& n = g.node(id);
    if (n.op == ir::OpKind::Input) continue;
    const hw::Placement& p = placed[static_cast<size_t>(id)];
    ++nodes;
    npu_nodes += p.native ? 1 : 0;
    csv +=
        core::csv_line({n.name, std::string(ir::op_name(n.op)), d.processors.at(static_cast<size_t>(p.processor)).name,
                        p.native ? "true" : "false", p.reason});
  }
  return csv;
}

nlohmann::json figures_json(const diagnose::Figures& f) {
  return {{"latency_ms", f.latency_ms},
          {"pre_post_ms", f.pre_post_ms},
          {"energy_mj", f.energy_mj},
          {"max_fps", f.max_fps},
          {"fallback_nodes", f.fallbacks},
          {"fallback_ms", f.fallback_ms},
          {"power_mw", std::isnan(f.power_mw) ? nlohmann::json() : nlohmann::json(f.power_mw)}};
}

}  // namespace

NpuDeployment deploy_npu_detector(const fs::path& folder, const data::Coco& coco, const hw::Device& device,
                                  const NpuDeployOptions& o, const fs::path& out, nlohmann::json report) {
  const ir::Graph g = target::resolve_model(folder.string());
  const std::optional<runtime::Weights> w = target::model_weights(folder.string(), g);
  if (!w) fail(folder.string(), "holds no weights");
  models::check_detector_fit(g, static_cast<int>(coco.class_names.size()), "coco:" + coco.path);
  const std::optional<train::DetectorOptions> trained = train::read_detector_options(folder);
  if (!trained)
    fail(folder.string(),
         "has no detector.json (the anchors and thresholds it was trained with); train it with `hwnas train <model> "
         "--dataset coco:DIR --out DIR`, which writes it");

  NpuDeployment d;
  const runtime::InferenceParams params = runtime::inference_params(g, *w, /*fold=*/true);
  data::Split split = data::Split::train;
  const auto samples = quant::coco_samples(g, coco, o.calibration_samples, &split);
  d.calibration_source =
      fmt::format("minmax ranges over {} {} images of coco:{}", samples.size(), data::split_name(split), coco.path);
  const quant::QuantizedModel qm = quant::quantize_model(g, params, quant::calibrate(g, params, samples));

  eval::DetectionEvalOptions eo{.max_images = o.max_test_images,
                                .anchors = trained->anchors,
                                .select = trained->select};
  eo.progress = bar("fp32 mAP");
  d.fp32 = eval::evaluate_detector(g, *w, coco, eo);
  d.fp32_source = eval::describe(d.fp32, coco, eo);
  eo.progress = bar("int8 mAP");
  eo.backend = "quant int8 reference kernels (TFLite arithmetic)";
  d.int8 = eval::evaluate_detector(g, coco, eo, int8_run(qm));
  d.int8_source = eval::describe(d.int8, coco, eo);
  const auto latency = cost::make_latency_model({.kind = "roofline"}, device);
  d.diagnosis = diagnose::diagnose(g, device, *latency, ir::DType::i8, {.fps = o.fps});
  d.diagnosis.model = folder.string();

  const fs::path tmp = out.string() + ".partial";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  quant::save_quantized_model(tmp / "int8", qm);
  write_file_atomic(tmp / "placement.csv", placement_csv(g, device, d.nodes, d.npu_nodes));
  write_file_atomic(tmp / "diagnosis.json", diagnose::to_json(d.diagnosis).dump(2) + "\n");
  const interop::PluginApi& onnx = interop::plugin();
  const interop::OnnxModel m = onnx.export_onnx(g, *w, {.fold_batchnorm = true});
  onnx.write_onnx(tmp / "model.onnx", m);

  report["target"] = "npu";
  report["device"] = device.name;
  report["fps"] = o.fps;
  report["int8"] = "quantized folder int8/ (" + d.calibration_source + ")";
  report["map"] = {{"split", "test"},
                   {"fp32", eval::to_json(d.fp32)},
                   {"fp32_source", d.fp32_source},
                   {"int8", eval::to_json(d.int8)},
                   {"int8_source", d.int8_source}};
  report["placement"] = {{"nodes", d.nodes},
                         {"on_primary", d.npu_nodes},
                         {"primary", device.processors.at(static_cast<size_t>(device.primary)).name},
                         {"file", "placement.csv"}};
  report["predicted"] = figures_json(d.diagnosis.before);
  report["predicted_source"] = d.diagnosis.latency_source + "; power " + d.diagnosis.power_source;
  report["onnx"] = {{"file", "model.onnx"},
                    {"opset", m.opset},
                    {"nodes", m.nodes},
                    {"batchnorm", "folded"},
                    {"checked", "onnx::checker and strict shape inference passed"}};
  write_file_atomic(tmp / "report.json", report.dump(2) + "\n");
  publish_folder(tmp, out);
  d.report = std::move(report);
  return d;
}

void print_npu_deployment(const NpuDeployment& d, const fs::path& out) {
  const auto ap = [](double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : std::string("n/a"); };
  fmt::print("calibration: {}\n", d.calibration_source);
  fmt::print("mAP@0.5 fp32: {} (mAP@[.5:.95] {}) -- {}\n", ap(d.fp32.map.map50), ap(d.fp32.map.map), d.fp32_source);
  fmt::print("mAP@0.5 int8: {} (mAP@[.5:.95] {}) -- {}\n", ap(d.int8.map.map50), ap(d.int8.map.map), d.int8_source);
  const diagnose::Diagnosis& g = d.diagnosis;
  fmt::print("placement on {} (int8): {} of {} nodes on the NPU, {} on the fallback (every node: placement.csv)\n",
             g.device, d.npu_nodes, d.nodes, d.nodes - d.npu_nodes);
  if (!g.fallbacks.empty()) {
    TextTable t({{"operator"}, {"nodes", Align::Right}, {"ms", Align::Right}, {"transfer ms", Align::Right}, {"why"}});
    for (const diagnose::FallbackRow& f : g.fallbacks)
      t.add_row({f.audit.op, std::to_string(f.audit.fallback), fmt::format("{:.3f}", f.ms),
                 fmt::format("{:.3f}", f.audit.transfer_ms), f.audit.reason});
    fmt::print("fallbacks (predicted):\n{}", t.str());
  }
  const diagnose::Figures& f = g.before;
  fmt::print("{:.3f} ms network + {:.3f} ms CPU pre/post-processing (estimated), {:.1f} FPS max, {:.4f} mJ per frame",
             f.latency_ms, f.pre_post_ms, f.max_fps, f.energy_mj);
  if (std::isnan(f.power_mw)) fmt::print(", {:g} FPS out of reach\n", g.fps);
  else fmt::print(", {:.1f} mW at {:g} FPS\n", f.power_mw, g.fps);
  fmt::print("  -- {}; power {}\n", g.latency_source, g.power_source);
  fmt::print("deploy: wrote {}: int8/, model.onnx, placement.csv, diagnosis.json, report.json\n", out.string());
}

}  // namespace hwnas::cli
