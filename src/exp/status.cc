#include "hwnas/exp/status.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/exp/folder_lock.h"
#include "hwnas/exp/trial_store.h"

namespace hwnas::exp {

RunStatus read_status(const std::filesystem::path& dir) {
  const auto db = dir / "trials.db";
  if (!std::filesystem::exists(db))
    fail(dir.string(), "holds no trials.db; give the output folder of `hwnas search` (its `output:` setting)");
  RunStatus st;
  st.dir = dir;
  st.running = FolderLock::held(dir);
  const TrialStore store = TrialStore::open(db, TrialStore::Mode::ReadOnly);
  const auto info = store.get("info");
  if (!info) fail(db.string(), "has no run description yet; the search was stopped before its first trial");
  try {
    st.info = RunInfo::from_json(nlohmann::json::parse(*info));
  } catch (const nlohmann::json::exception& e) {
    fail(db.string(), "run description is not JSON ({})", e.what());
  } catch (const Error& e) {
    throw e.within(db.string());
  }
  st.summary = summarize(st.info, store.trials(), store.infeasible_skipped());
  st.stopped_early = store.get("stopped_early").value_or("");
  return st;
}

namespace {

std::string describe_trial(const RunInfo& info, const search::Trial& t) {
  std::string s = fmt::format("#{} {}", t.id, t.arch_str);
  for (const auto& o : info.objectives)
    if (auto it = t.metrics.find(o.metric); it != t.metrics.end())
      s += fmt::format("  {}={}", o.metric, format_value(it->second));
  if (t.penalty > 0) s += fmt::format("  penalty={}", format_value(t.penalty));
  return s;
}

}  // namespace

std::string format_status(const RunStatus& st, size_t max_front_rows) {
  const RunInfo& info = st.info;
  const RunSummary& s = st.summary;
  std::string out = fmt::format("{} ({}): {}\n", info.name, st.dir.string(), st.running ? "running" : "not running");
  out += fmt::format(
      "trials: {} of budget {} ({} ok, {} failed, {} infeasible{}); {} candidates skipped by hard "
      "limits on cheap metrics (free)\n",
      s.trials.size(), info.budget_trials, s.ok, s.failed, s.infeasible,
      s.pruned ? fmt::format(", {} pruned at a lower fidelity", s.pruned) : "", s.skipped);
  if (!st.stopped_early.empty()) out += st.stopped_early + "\n";
  out += "metrics:\n";
  for (const auto& m : info.metrics) out += fmt::format("  {:<16} {} [{}]\n", m, info.sources.at(m), info.cost.at(m));
  for (const auto& c : info.constraints) out += fmt::format("constraint: {}\n", c.describe());
  for (size_t o = 0; o < info.objectives.size(); ++o) {
    const auto& obj = info.objectives[o];
    out += fmt::format("best {} ({}): ", obj.metric, obj.maximize ? "max" : "min");
    out += s.best[o] ? describe_trial(info, s.trials[*s.best[o]]) + "\n" : "none yet\n";
  }
  // The front listed best first in the first objective, as one reads a trade-off curve.
  std::vector<size_t> front = s.front;
  if (!info.objectives.empty()) {
    const auto& first = info.objectives[0];
    std::stable_sort(front.begin(), front.end(), [&](size_t a, size_t b) {
      const double va = s.trials[a].metrics.at(first.metric), vb = s.trials[b].metrics.at(first.metric);
      return first.maximize ? va > vb : va < vb;
    });
  }
  out += fmt::format("Pareto front ({} trials{}):\n", front.size(),
                     info.objectives.empty() ? "" : ", best " + info.objectives[0].metric + " first");
  for (size_t i = 0; i < front.size() && i < max_front_rows; ++i)
    out += "  " + describe_trial(info, s.trials[front[i]]) + "\n";
  if (s.front.size() > max_front_rows)
    out += fmt::format("  ... {} more in pareto.csv\n", s.front.size() - max_front_rows);
  return out;
}

}  // namespace hwnas::exp
