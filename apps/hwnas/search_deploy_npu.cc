#include "search_deploy_npu.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hwnas/data/coco.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/hw/device.h"
#include "npu_deploy_step.h"
#include "search_deploy.h"
#include "table.h"

namespace hwnas::cli {
namespace {
namespace fs = std::filesystem;

// Whether report.json is of the same trained model folder, architecture, device and frame rate.
bool same_npu_deploy(const nlohmann::json& j, const std::string& arch, const fs::path& folder,
                     const exp::DeployConfig& dc) {
  return j.value("arch", "") == arch && j.value("trained_folder", "") == folder.string() &&
         j.value("target", "") == "npu" && j.value("device", "") == dc.device && j.value("fps", 0.0) == dc.fps;
}

// One trained detector of the search deployed to the NPU (or kept when up to date); its report.
nlohmann::json deploy_npu_model(const exp::Experiment& e, const exp::RunStatus& st, const std::string& what,
                                const std::string& arch, const std::map<std::string, double>& metrics,
                                const fs::path& folder, const fs::path& out) {
  const exp::DeployConfig& dc = *e.config.deploy;
  const std::string model = fmt::format("{}:{}", st.info.space_ref, arch);
  if (auto j = earlier_report(out, [&](const nlohmann::json& r) { return same_npu_deploy(r, arch, folder, dc); })) {
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
nlohmann::json deploy_npu_baseline(const exp::Experiment& e, const exp::RunStatus& st, const eval::TrainMetric& tm,
                                   std::map<std::string, double>& values) {
  const exp::DeployConfig& dc = *e.config.deploy;
  const space::Arch arch = e.space->parse(dc.baseline);
  const std::string arch_str = e.space->to_string(arch);
  // At the top rung of a multi-fidelity search, where the best trial was trained (0: the metric's epochs).
  const int epochs = e.config.fidelity ? e.config.fidelity->epochs.back() : 0;
  for (const auto& m : e.metrics) values[m->name()] = m->evaluate_at(arch, arch_str, epochs);
  return deploy_npu_model(e, st, "baseline", arch_str, values, tm.model_folder(arch_str, epochs),
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

}  // namespace

void deploy_npu_search(const exp::Experiment& e, const eval::TrainMetric& tm, const exp::RunStatus& st) {
  const exp::RunSummary& s = st.summary;
  const exp::DeployConfig& dc = *e.config.deploy;
  const auto& objectives = e.config.objectives;
  std::optional<size_t> pick = s.best.front();
  std::string what = fmt::format("best {}", objectives[0].metric);
  std::optional<nlohmann::json> base;
  if (!dc.baseline.empty()) {
    std::map<std::string, double> values;
    base = deploy_npu_baseline(e, st, tm, values);
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
    return deploy_skipped(fmt::format("trial #{} has no trained model folder ({} is missing)", t.id, folder.string()));
  const nlohmann::json best = deploy_npu_model(e, st, fmt::format("{} #{}", what, t.id), t.arch_str, t.metrics, folder,
                                               e.config.output / "deploy");
  if (base) compare_with_baseline(best, *base, dc.fps);
}

}  // namespace hwnas::cli
