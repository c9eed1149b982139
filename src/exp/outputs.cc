#include "hwnas/exp/outputs.h"

#include <algorithm>
#include <numeric>

#include "hwnas/core/csv.h"
#include "hwnas/core/files.h"

namespace hwnas::exp {

std::string trials_csv(const RunInfo& info, const RunSummary& summary, const std::vector<size_t>& rows) {
  std::vector<std::string> header = {"id", "arch"};
  header.insert(header.end(), info.metrics.begin(), info.metrics.end());
  for (const char* c : {"status", "penalty", "seconds", "error"}) header.emplace_back(c);
  // A multi-fidelity search says at how many epochs each trial's metrics were evaluated.
  const bool fidelity =
      std::any_of(summary.trials.begin(), summary.trials.end(), [](const auto& t) { return t.epochs > 0; });
  if (fidelity) header.emplace_back("epochs");
  std::string out = core::csv_line(header);
  for (size_t r : rows) {
    const search::Trial& t = summary.trials[r];
    std::vector<std::string> f = {std::to_string(t.id), t.arch_str};
    for (const auto& m : info.metrics) {
      const auto it = t.metrics.find(m);
      f.push_back(it == t.metrics.end() ? "" : core::format_number(it->second));
    }
    f.emplace_back(search::trial_status_name(t.status));
    f.push_back(core::format_number(t.penalty));
    f.push_back(core::format_number(t.seconds));
    f.push_back(t.error);
    if (fidelity) f.push_back(std::to_string(t.epochs));
    out += core::csv_line(f);
  }
  return out;
}

namespace {

nlohmann::json trial_json(const RunInfo& info, const search::Trial& t) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] : t.metrics) {
    const auto src = info.sources.find(name);
    metrics[name] = {{"value", value}, {"source", src == info.sources.end() ? "unknown" : src->second}};
  }
  nlohmann::json j = {{"id", t.id}, {"arch", t.arch_str}, {"penalty", t.penalty}, {"metrics", metrics}};
  if (info.arch_is_model) j["model"] = t.arch_str;
  else if (!info.space_ref.empty()) j["model"] = info.space_ref + ":" + t.arch_str;
  return j;
}

}  // namespace

nlohmann::json best_json(const RunInfo& info, const RunSummary& s) {
  const nlohmann::json run = info.to_json();
  nlohmann::json j = {{"name", info.name},
                      {"objectives", run["objectives"]},
                      {"constraints", run["constraints"]},
                      {"counts",
                       {{"ok", s.ok},
                        {"failed", s.failed},
                        {"infeasible", s.infeasible},
                        {"pruned", s.pruned},
                        {"skipped", s.skipped}}}};
  j["best"] = nlohmann::json::object();
  for (size_t o = 0; o < info.objectives.size(); ++o)
    j["best"][info.objectives[o].metric] = s.best[o] ? trial_json(info, s.trials[*s.best[o]]) : nlohmann::json();
  j["front"] = nlohmann::json::array();
  for (size_t i : s.front) j["front"].push_back(trial_json(info, s.trials[i]));
  return j;
}

void write_outputs(const std::filesystem::path& dir, const RunInfo& info, const RunSummary& s) {
  std::vector<size_t> all(s.trials.size());
  std::iota(all.begin(), all.end(), size_t{0});
  write_file_atomic(dir / "trials.csv", trials_csv(info, s, all));
  write_file_atomic(dir / "pareto.csv", trials_csv(info, s, s.front));
  write_file_atomic(dir / "best.json", best_json(info, s).dump(2) + "\n");
}

}  // namespace hwnas::exp
