#include "hwnas/exp/summary.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/search/pareto.h"

namespace hwnas::exp {

nlohmann::json RunInfo::to_json() const {
  nlohmann::json j;
  j["name"] = name;
  j["space"] = space;
  if (!space_ref.empty()) j["space_ref"] = space_ref;
  if (arch_is_model) j["arch_is_model"] = true;
  j["metrics"] = metrics;
  j["sources"] = sources;
  j["cost"] = cost;
  j["objectives"] = nlohmann::json::array();
  for (const auto& o : objectives)
    j["objectives"].push_back({{"metric", o.metric}, {"goal", o.maximize ? "max" : "min"}});
  j["constraints"] = nlohmann::json::array();
  for (const auto& c : constraints) {
    nlohmann::json cj = {{"metric", c.metric}, {c.is_max ? "max" : "min", c.limit}};
    if (!c.hard()) cj["soft"] = c.soft_weight;
    j["constraints"].push_back(cj);
  }
  j["budget_trials"] = budget_trials;
  return j;
}

RunInfo RunInfo::from_json(const nlohmann::json& j) {
  try {
    RunInfo r;
    r.name = j.at("name").get<std::string>();
    r.space = j.at("space").get<std::string>();
    r.space_ref = j.value("space_ref", "");  // absent in runs of hwnas before 0.1.0's best.json "model"
    r.arch_is_model = j.value("arch_is_model", false);
    r.metrics = j.at("metrics").get<std::vector<std::string>>();
    r.sources = j.at("sources").get<std::map<std::string, std::string>>();
    r.cost = j.at("cost").get<std::map<std::string, std::string>>();
    for (const auto& o : j.at("objectives")) r.objectives.push_back({o.at("metric"), o.at("goal") == "max"});
    for (const auto& c : j.at("constraints")) {
      Constraint k;
      k.metric = c.at("metric").get<std::string>();
      k.is_max = c.contains("max");
      k.limit = c.at(k.is_max ? "max" : "min").get<double>();
      k.soft_weight = c.value("soft", 0.0);
      r.constraints.push_back(k);
    }
    r.budget_trials = j.at("budget_trials").get<int>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    fail("run info", "malformed ({}); the store was not written by this version of hwnas", e.what());
  }
}

RunSummary summarize(const RunInfo& info, std::vector<search::Trial> trials, int64_t skipped) {
  RunSummary s;
  std::sort(trials.begin(), trials.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  s.trials = std::move(trials);
  s.skipped = skipped;
  for (const auto& t : s.trials) {
    if (t.status == search::TrialStatus::Ok) ++s.ok;
    else if (t.status == search::TrialStatus::Failed) ++s.failed;
    else if (t.status == search::TrialStatus::Pruned) ++s.pruned;
    else ++s.infeasible;
  }
  s.front = search::pareto_trials(s.trials, info.objectives);
  for (const auto& goal : info.objectives) {
    std::vector<search::Trial> penalised = s.trials;
    for (auto& t : penalised)
      if (auto it = t.metrics.find(goal.metric); it != t.metrics.end())
        it->second += goal.maximize ? -t.penalty : t.penalty;
    s.best.push_back(search::best_under(penalised, goal));
  }
  return s;
}

std::string format_value(double v) { return fmt::format("{:.4g}", v); }

std::optional<size_t> best_beating(const RunSummary& s, const std::vector<search::Objective>& objectives,
                                   const std::map<std::string, double>& reference) {
  if (objectives.size() < 2) return std::nullopt;
  const search::Objective &first = objectives[0], &second = objectives[1];
  const auto better = [](const search::Objective& o, double a, double b) { return o.maximize ? a > b : a < b; };
  std::optional<size_t> pick;
  for (size_t i = 0; i < s.trials.size(); ++i) {
    const search::Trial& t = s.trials[i];
    if (t.status != search::TrialStatus::Ok || t.penalty > 0) continue;
    if (better(first, reference.at(first.metric), t.metrics.at(first.metric))) continue;
    if (!pick || better(second, t.metrics.at(second.metric), s.trials[*pick].metrics.at(second.metric))) pick = i;
  }
  return pick;
}

}  // namespace hwnas::exp
