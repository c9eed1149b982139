#include "search_deploy.h"

#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "deploy_step.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/eval/model_metric.h"
#include "hwnas/eval/train_metric.h"
#include "hwnas/exp/status.h"
#include "hwnas/quant/model_folder.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "qat_step.h"
#include "quantize_step.h"
#include "search_deploy_npu.h"

namespace hwnas::cli {
namespace {
namespace fs = std::filesystem;

// The train metric whose model folders hold the best trial's network: the first objective's if it
// trains, else the first metric that does.
const eval::TrainMetric* train_metric(const exp::Experiment& e) {
  if (const auto* t = dynamic_cast<const eval::TrainMetric*>(&e.metric(e.config.objectives.front().metric))) return t;
  for (const auto& m : e.metrics)
    if (const auto* t = dynamic_cast<const eval::TrainMetric*>(m.get())) return t;
  return nullptr;
}

// Whether report.json is of the same architecture with the same QAT setting, bit-exact.
bool same_m7_deploy(const nlohmann::json& j, const std::string& arch, const exp::DeployConfig& dc) {
  const bool same_qat = j.value("/qat/mode"_json_pointer, std::string()) == dc.qat &&
                        (dc.qat == "off" || j.value("/qat/epochs"_json_pointer, 0) == dc.qat_epochs);
  return j.value("arch", "") == arch && j.value("bit_exact", false) && same_qat;
}

// The hard latency limit the search held the deployed device to: a constraint on a latency metric
// predicted on that device. The deploy then checks the generated code's estimate against it.
struct LatencyLimit {
  std::string metric;
  double max_ms = 0;
};
std::optional<LatencyLimit> latency_limit(const exp::Experiment& e, const std::string& device) {
  for (const exp::Constraint& c : e.config.constraints) {
    const auto* m = dynamic_cast<const eval::ModelMetric*>(&e.metric(c.metric));
    if (c.hard() && c.is_max && m && m->value() == eval::ModelValue::LatencyMs && m->device().name == device)
      return LatencyLimit{c.metric, c.limit};
  }
  return std::nullopt;
}

}  // namespace

std::optional<nlohmann::json> earlier_report(const fs::path& dir,
                                             const std::function<bool(const nlohmann::json&)>& same) {
  if (!fs::exists(dir / "report.json")) return std::nullopt;
  try {
    auto j = nlohmann::json::parse(read_file(dir / "report.json"));
    if (same(j)) return j;
  } catch (const std::exception&) {  // unreadable, or a key of another type: deploy again
  }
  return std::nullopt;
}

void deploy_skipped(const std::string& why) { fmt::print(stderr, "WARNING: deploy skipped: {}\n", why); }

void deploy_best_trial(const exp::Experiment& e) {
  const exp::ExperimentConfig& c = e.config;
  const exp::DeployConfig& dc = *c.deploy;
  const exp::RunStatus st = exp::read_status(c.output);
  const auto& best = st.summary.best.front();
  const std::string objective = c.objectives.front().metric;
  if (!best) return deploy_skipped(fmt::format("the search has no successful trial to deploy (best {})", objective));
  const eval::TrainMetric* tm = train_metric(e);
  if (!tm)
    return deploy_skipped(
        "deploy needs a trained model and no metric of this experiment trains one (add a {train: ...} "
        "metric; or deploy an architecture yourself: hwnas deploy <model> --out DIR)");
  if (dc.target == "npu") return deploy_npu_search(e, *tm, st);
  const search::Trial& t = st.summary.trials[*best];
  const fs::path folder = tm->model_folder(t.arch_str, t.epochs);
  if (!fs::exists(folder / "weights.hwnasw"))
    return deploy_skipped(
        fmt::format("the best trial #{} has no trained model folder ({} is missing)", t.id, folder.string()));

  const fs::path out = c.output / "deploy";
  const std::string model = fmt::format("{}:{}", st.info.space_ref, t.arch_str);
  if (const auto j = earlier_report(out, [&](const nlohmann::json& r) { return same_m7_deploy(r, t.arch_str, dc); })) {
    fmt::print(
        "deploy: up to date ({}: best {} #{}, fp32 {:.2f}%, int8 {:.2f}%, bit-exact on {} inputs, flash {} B, "
        "RAM {} B, {:.2f} ms estimated)\n",
        out.string(), objective, t.id, j->value("/accuracy/fp32/top1"_json_pointer, 0.0),
        j->value("/accuracy/int8/top1"_json_pointer, 0.0), j->value("inputs", 0), j->value("flash_bytes", 0),
        j->value("ram_bytes", 0), j->value("latency_ms", 0.0));
    return;
  }
  fmt::print("deploy: best {} #{} ({}) from {} to {} on {}\n", objective, t.id, model, folder.string(), dc.target,
             dc.dataset);
  const ir::Graph g = target::resolve_model(folder.string());
  const std::optional<runtime::Weights> w = target::model_weights(folder.string(), g);
  if (!w) fail(folder.string(), "holds no weights");
  // The features the model was trained on: its input's MFCC frames and coefficients.
  const ir::Shape& s = g.node(g.inputs().at(0)).shape;
  const auto ds =
      data::open_dataset(dc.dataset, data::fit_front_end(dc.dataset, {static_cast<int>(s.h()), static_cast<int>(s.w()),
                                                                      static_cast<int>(s.c())}));
  const mcu::Toolchain tc = mcu::Toolchain::find();  // before the long part
  const hw::Device device = mcu_device(dc.device);

  const data::Split split = last_split(*ds);
  const QatSettings qs{.mode = train::parse_qat_mode(dc.qat, "deploy.qat"), .epochs = dc.qat_epochs};
  check_qat_settings(qs, *ds);
  const QuantizeSettings settings{.calibration_samples = dc.calibration_samples};
  const Quantized q = quantize_on_dataset(g, runtime::inference_params(g, *w, /*fold=*/true), *ds, split, settings);
  const QatOutcome qat = quantization_aware(folder.string(), g, *w, *ds, split, q, settings, qs);
  fmt::print("{}", qat_summary(qat));
  const quant::QuantizedModel& qm = qat.model(q);
  // The int8 accuracy of the model deployed: QAT's when it was kept.
  const double int8_top1 = qat.kept ? qat.qat_eval.int8.top1() : q.cmp.int8.top1();
  const std::string& int8_source = qat.kept ? qat.qat_source : q.int8_source;
  const nlohmann::json qat_record = qat.record();
  const auto inputs = dataset_int8_inputs(qm, *ds, dc.inputs);
  nlohmann::json report = {{"experiment", c.name},
                           {"trial", t.id},
                           {"arch", t.arch_str},
                           {"model", model},
                           {"trained_folder", folder.string()},
                           {"target", dc.target},
                           {"dataset", ds->reference()},
                           {"int8", "quantized folder int8/ (" + q.calibration_source + ")"},
                           {"accuracy",
                            {{"split", data::split_name(split)},
                             {"fp32", {{"top1", q.cmp.fp32.top1()}, {"source", q.fp32_source}}},
                             {"int8", {{"top1", int8_top1}, {"source", int8_source}}}}},
                           {"qat", qat_record}};
  const auto limit = latency_limit(e, dc.device);
  const double predicted = limit && t.metrics.count(limit->metric) ? t.metrics.at(limit->metric) : 0.0;
  if (limit)
    report["latency_limit"] = {{"metric", limit->metric}, {"max_ms", limit->max_ms}, {"predicted_ms", predicted}};
  const Deployment d = deploy_cortex_m7(tc, qm, inputs, out,
                                        {.device = device,
                                         .replace = true,
                                         .before_report =
                                             [&](const fs::path& dir) {
                                               quant::save_quantized_model(dir / "int8", qm);
                                               write_file_atomic(dir / "int8" / "qat.json", qat_record.dump(2) + "\n");
                                             }},
                                        report);
  fmt::print("fp32 top-1: {:.2f}% -- {}\nint8 top-1: {:.2f}% -- {}\n", q.cmp.fp32.top1(), q.fp32_source, int8_top1,
             int8_source);
  print_deployment(d, inputs.size(), /*ops=*/false);
  if (limit) {
    const bool within = d.latency_ms() <= limit->max_ms;
    fmt::print(within ? stdout : stderr,
               "{}the generated code's estimated {:.2f} ms is {} the limit {} <= {:g} "
               "(the search predicted {:.2f} ms)\n",
               within ? "" : "WARNING: ", d.latency_ms(), within ? "within" : "OVER", limit->metric, limit->max_ms,
               predicted);
  }
  fmt::print("deploy: wrote {}: int8/, model.c, model.h, main.c, model.elf, report.json\n", out.string());
  if (!d.bit_exact())
    fail(out.string(), "the Cortex-M7 output differs from the int8 reference in {} bytes", d.mismatches);
}

}  // namespace hwnas::cli
