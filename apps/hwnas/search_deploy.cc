#include "search_deploy.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "deploy_step.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/eval/model_metric.h"
#include "hwnas/eval/train_metric.h"
#include "hwnas/exp/status.h"
#include "hwnas/quant/model_folder.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "npu_deploy_step.h"
#include "qat_step.h"
#include "quantize_step.h"
#include "table.h"

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

// report.json of an earlier deploy of the same architecture with the same QAT setting, bit-exact;
// nullopt otherwise.
std::optional<nlohmann::json> up_to_date(const fs::path& report, const std::string& arch, const exp::DeployConfig& dc) {
  if (!fs::exists(report)) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(read_file(report));
    const bool same_qat = j.value("/qat/mode"_json_pointer, std::string()) == dc.qat &&
                          (dc.qat == "off" || j.value("/qat/epochs"_json_pointer, 0) == dc.qat_epochs);
    if (j.value("arch", "") == arch && j.value("bit_exact", false) && same_qat) return j;
  } catch (const std::exception&) {  // unreadable: deploy again
  }
  return std::nullopt;
}

void warn(const std::string& why) { fmt::print(stderr, "WARNING: deploy skipped: {}\n", why); }

// report.json of an earlier NPU deploy of the same trained model folder, architecture, device and
// frame rate; nullopt otherwise.
std::optional<nlohmann::json> npu_up_to_date(const fs::path& out, const std::string& arch, const fs::path& folder,
                                             const exp::DeployConfig& dc) {
  if (!fs::exists(out / "report.json")) return std::nullopt;
  try {
    auto j = nlohmann::json::parse(read_file(out / "report.json"));
    if (j.value("arch", "") == arch && j.value("trained_folder", "") == folder.string() &&
        j.value("target", "") == "npu" && j.value("device", "") == dc.device && j.value("fps", 0.0) == dc.fps)
      return j;
  } catch (const std::exception&) {  // unreadable: deploy again
  }
  return std::nullopt;
}

// One trained detector of the search deployed to the NPU (or kept when up to date); its report.
nlohmann::json deploy_npu_model(const exp::Experiment& e, const std::string& what, const std::string& arch,
                                const std::map<std::string, double>& metrics, const fs::path& folder,
                                const fs::path& out) {
  const exp::DeployConfig& dc = *e.config.deploy;
  const std::string model = fmt::format("{}:{}", exp::read_status(e.config.output).info.space_ref, arch);
  if (auto j = npu_up_to_date(out, arch, folder, dc)) {
    fmt::print("deploy: {} up to date ({}: mAP@0.5 fp32 {:.4f}, int8 {:.4f}, {} of {} nodes on {})\n", what,
               out.string(), j->value("/map/fp32/map50"_json_pointer, 0.0),
               j->value("/map/int8/map50"_json_pointer, 0.0), j->value("/placement/on_primary"_json_pointer, 0),
               j->value("/placement/nodes"_json_pointer, 0), dc.device);
    return *j;
  }
  fmt::print("deploy: {} ({}) from {} to npu {} on {}\n", what, model, folder.string(), dc.device, dc.dataset);
  const data::Coco coco = data::read_coco(data::detection_dataset_dir(dc.dataset));
  const nlohmann::json report = {{"experiment", e.config.name},
                                 {"deployed", what},
                                 {"arch", arch},
                                 {"model", model},
                                 {"trained_folder", folder.string()},
                                 {"dataset", dc.dataset},
                                 {"search_metrics", metrics}};
  const NpuDeployment d =
      deploy_npu_detector(folder, coco, hw::load_device(dc.device),
                          {.fps = dc.fps, .calibration_samples = dc.calibration_samples}, out, report);
  print_npu_deployment(d, out);
  return d.report;
}

// The baseline trained by the experiment's own metrics, as the best trial was (a train metric keeps
// its model folder, so a second run does not train it again), then deployed the same way. `values`
// gets its metrics as the search would have measured them.
nlohmann::json deploy_npu_baseline(const exp::Experiment& e, const eval::TrainMetric& tm,
                                   std::map<std::string, double>& values) {
  const exp::DeployConfig& dc = *e.config.deploy;
  const space::Arch arch = e.space->parse(dc.baseline);
  const std::string arch_str = e.space->to_string(arch);
  // At the top rung of a multi-fidelity search, where the best trial was trained (0: the metric's epochs).
  const int epochs = e.config.fidelity ? e.config.fidelity->epochs.back() : 0;
  for (const auto& m : e.metrics) values[m->name()] = m->evaluate_at(arch, arch_str, epochs);
  return deploy_npu_model(e, "baseline", arch_str, values, tm.model_folder(arch_str, epochs),
                          e.config.output / "deploy-baseline");
}

// What the acceptance of an NPU search asks: does the winner draw less power at the frame rate
// than the baseline, with an mAP no lower (test split, fp32 and int8)?
void compare_with_baseline(const nlohmann::json& best, const nlohmann::json& base, double fps) {
  const auto get = [](const nlohmann::json& j, const char* pointer) {
    const auto& v = j.at(nlohmann::json::json_pointer(pointer));
    return v.is_number() ? v.get<double>() : NAN;
  };
  const double p_best = get(best, "/predicted/power_mw"), p_base = get(base, "/predicted/power_mw");
  fmt::print("\nbest vs baseline (test split mAP measured; power at {:g} FPS predicted):\n", fps);
  TextTable t({{""}, {"mAP@0.5 fp32", Align::Right}, {"mAP@0.5 int8", Align::Right}, {"mW", Align::Right}});
  for (const auto* j : {&best, &base})
    t.add_row({j == &best ? "best" : "baseline", fmt::format("{:.4f}", get(*j, "/map/fp32/map50")),
               fmt::format("{:.4f}", get(*j, "/map/int8/map50")),
               fmt::format("{:.1f}", get(*j, "/predicted/power_mw"))});
  fmt::print("{}", t.str());
  const bool less_power = p_best < p_base;
  const bool map_no_lower = get(best, "/map/int8/map50") >= get(base, "/map/int8/map50");
  fmt::print("the best draws {} power ({:.1f} vs {:.1f} mW, {:+.1f}%) with an int8 mAP@0.5 {} the baseline's\n",
             less_power ? "less" : "NOT less", p_best, p_base, 100 * (p_best / p_base - 1),
             map_no_lower ? "no lower than" : "BELOW");
}

// An NPU deploy: the trained detector quantized, evaluated fp32 and int8, placed on the NPU,
// exported. With a baseline, the baseline first, then the trial that beats it (exp::best_beating), and
// the comparison.
void deploy_npu(const exp::Experiment& e, const eval::TrainMetric& tm, const exp::RunSummary& s) {
  const exp::DeployConfig& dc = *e.config.deploy;
  const auto& objectives = e.config.objectives;
  std::optional<size_t> pick = s.best.front();
  std::string what = fmt::format("best {}", objectives[0].metric);
  std::optional<nlohmann::json> base;
  if (!dc.baseline.empty()) {
    std::map<std::string, double> values;
    base = deploy_npu_baseline(e, tm, values);
    if (const auto beats = exp::best_beating(s, objectives, values)) {
      pick = beats;
      what = fmt::format("{} {} with {} {} the baseline's {}", objectives[1].maximize ? "most" : "least",
                         objectives[1].metric, objectives[0].metric,
                         objectives[0].maximize ? ">=" : "<=", exp::format_value(values.at(objectives[0].metric)));
    } else if (objectives.size() >= 2) {
      fmt::print("deploy: no trial has a {} as good as the baseline's {}; deploying the best {}\n",
                 objectives[0].metric, exp::format_value(values.at(objectives[0].metric)), objectives[0].metric);
    }
  }
  const search::Trial& t = s.trials.at(*pick);
  const fs::path folder = tm.model_folder(t.arch_str, t.epochs);
  if (!fs::exists(folder / "weights.hwnasw"))
    return warn(fmt::format("trial #{} has no trained model folder ({} is missing)", t.id, folder.string()));
  const nlohmann::json best =
      deploy_npu_model(e, fmt::format("{} #{}", what, t.id), t.arch_str, t.metrics, folder, e.config.output / "deploy");
  if (base) compare_with_baseline(best, *base, dc.fps);
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

void deploy_best_trial(const exp::Experiment& e) {
  const exp::ExperimentConfig& c = e.config;
  const exp::DeployConfig& dc = *c.deploy;
  const exp::RunStatus st = exp::read_status(c.output);
  const auto& best = st.summary.best.front();
  const std::string objective = c.objectives.front().metric;
  if (!best) return warn(fmt::format("the search has no successful trial to deploy (best {})", objective));
  const eval::TrainMetric* tm = train_metric(e);
  if (!tm)
    return warn(
        "deploy needs a trained model and no metric of this experiment trains one (add a {train: ...} "
        "metric; or deploy an architecture yourself: hwnas deploy <model> --out DIR)");
  if (dc.target == "npu") return deploy_npu(e, *tm, st.summary);
  const search::Trial& t = st.summary.trials[*best];
  const fs::path folder = tm->model_folder(t.arch_str, t.epochs);
  if (!fs::exists(folder / "weights.hwnasw"))
    return warn(fmt::format("the best trial #{} has no trained model folder ({} is missing)", t.id, folder.string()));

  const fs::path out = c.output / "deploy";
  const std::string model = fmt::format("{}:{}", st.info.space_ref, t.arch_str);
  if (const auto j = up_to_date(out / "report.json", t.arch_str, dc)) {
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
