#include "hwnas/exp/runner.h"

#include <chrono>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/exp/constrained_strategy.h"
#include "hwnas/exp/executor.h"
#include "hwnas/exp/folder_lock.h"
#include "hwnas/exp/outputs.h"
#include "hwnas/exp/trial_evaluator.h"
#include "hwnas/exp/trial_store.h"

namespace hwnas::exp {
namespace {

using Clock = std::chrono::steady_clock;

// The settings that decide which trials a run makes, by the experiment key that sets them.
std::vector<std::pair<std::string, std::string>> search_settings(const Experiment& e) {
  const ExperimentConfig& c = e.config;
  const RunInfo info = run_info(e);
  const nlohmann::json j = info.to_json();
  std::vector<std::pair<std::string, std::string>> s = {
      {"space", e.space->name()},
      {"strategy.name", c.strategy.name},
      {"strategy.seed", std::to_string(c.strategy.seed)},
      {"strategy", nlohmann::json(c.strategy.params).dump()},  // the strategy's parameters
      {"objectives", j["objectives"].dump()},
      {"constraints", j["constraints"].dump()}};
  for (const auto& m : e.metrics)
    s.emplace_back("metrics." + m->name(), fmt::format("{} ({})", m->fingerprint(), eval::cost_class_name(m->cost())));
  return s;
}

void check_or_record_settings(TrialStore& store, const Experiment& e) {
  const YamlSource& src = e.config.source;
  for (const auto& [key, value] : search_settings(e)) {
    const std::string stored_key = "setting." + key;
    const auto stored = store.get(stored_key);
    if (!stored) {
      store.set(stored_key, value);
    } else if (*stored != value) {
      fail(src.where(src.at(key), key),
           "differs from the run stored in {} (stored: {}; now: {}); resuming it would not continue the same "
           "search. Use a new output folder (--set output=...) or restore the setting.",
           store.file().string(), *stored, value);
    }
  }
}

search::Trial base_trial(int64_t id, const Candidate& c) {
  search::Trial t;
  t.id = id;
  t.arch = c.arch;
  t.arch_str = c.arch_str;
  t.metrics = c.cheap;
  return t;
}

// A trial from its cheap part (evaluated here when the strategy proposed it) and the
// executor's result for its expensive part; the constraints are checked here, on all values.
search::Trial complete_trial(search::Trial t, const TrialResult& r, const std::vector<Constraint>& constraints) {
  for (const auto& [name, value] : r.values) t.metrics[name] = value;
  t.seconds = r.seconds;
  if (r.status != TrialOutcome::Ok) {  // timed out and crashed are failures to the strategy and the store
    t.status = search::TrialStatus::Failed;
    t.error = r.error;
    return t;
  }
  const Verdict v = check_constraints(constraints, t.metrics);
  t.penalty = v.penalty;
  if (!v.feasible) {
    t.status = search::TrialStatus::Infeasible;
    t.error = v.violation;
  }
  return t;
}

}  // namespace

namespace {

// Why a search ended before its budget, for `hwnas status` (a search that ends with 0 trials
// must not look like one that succeeded).
std::string stop_reason(const ExperimentConfig& c, int64_t trials, bool gave_up) {
  std::vector<std::string> limits;
  for (const Constraint& k : c.constraints)
    if (k.hard()) limits.push_back(k.describe());
  const std::string what = limits.empty() ? "" : fmt::format(" under {}", fmt::join(limits, ", "));
  if (gave_up)
    return fmt::format(
        "stopped after {} trials: too many proposals in a row broke the hard limits{}; loosen them or "
        "restrict the space",
        trials, what);
  return fmt::format(
      "stopped after {} trials: strategy {} found no new feasible architecture{} (every one it could "
      "reach was asked, or none exists: check the limits against the space's smallest networks)",
      trials, c.strategy.name, what);
}

}  // namespace

RunInfo run_info(const Experiment& e) {
  RunInfo info;
  info.name = e.config.name;
  info.space = e.space->name();
  info.space_ref = e.config.space;
  for (const auto& m : e.metrics) {
    info.metrics.push_back(m->name());
    info.sources[m->name()] = m->source();
    info.cost[m->name()] = eval::cost_class_name(m->cost());
  }
  info.objectives = e.config.objectives;
  info.constraints = e.config.constraints;
  info.budget_trials = e.config.budget_trials;
  return info;
}

RunSummary run_experiment(const Experiment& e, const RunOptions& options) {
  const ExperimentConfig& c = e.config;
  const auto start = Clock::now();
  const bool files = !options.in_memory;
  std::optional<FolderLock> lock;
  if (files) {
    std::error_code ec;
    std::filesystem::create_directories(c.output, ec);
    if (ec) fail(c.output.string(), "cannot create the output folder: {}", ec.message());
    lock.emplace(c.output);
  }
  TrialStore store = TrialStore::open(files ? c.output / "trials.db" : ":memory:", TrialStore::Mode::ReadWrite);
  check_or_record_settings(store, e);
  // The budget may change between resumes. A strategy that plans by its budget (auto picks
  // one by it) is always built with the budget of the first run, recorded in the store, so a
  // resume with a larger budget replays the same decisions and then continues.
  const std::string first_budget = store.get("first_budget_trials").value_or(std::to_string(c.budget_trials));
  store.set("first_budget_trials", first_budget);
  const int planned_budget = std::stoi(first_budget);
  const RunInfo info = run_info(e);
  store.set("info", info.to_json().dump());
  if (files) write_file_atomic(c.output / "experiment.yaml", c.effective_yaml());

  std::vector<std::shared_ptr<const eval::Metric>> cheap, expensive;
  for (const auto& m : e.metrics) (m->cost() == eval::CostClass::Cheap ? cheap : expensive).push_back(m);
  std::vector<std::string> cheap_names, expensive_names;
  for (const auto& m : cheap) cheap_names.push_back(m->name());
  for (const auto& m : expensive) expensive_names.push_back(m->name());
  // Only cheap metrics: a trial just checks the constraints, so it runs here rather than pay
  // for an executor (a cheap-only search makes thousands of trials a second).
  const std::unique_ptr<Executor> executor =
      expensive.empty()
          ? nullptr
          : make_executor(c.executor, make_trial_evaluator(e), options.worker_command, metric_fingerprints(e));
  const search::SearchProblem problem{e.space.get(),
                                      c.objectives,
                                      planned_budget,
                                      make_cheap_eval(e.space, cheap, c.constraints),
                                      make_infeasibility(e.space, cheap, c.constraints),
                                      cheap_names};
  ConstrainedStrategy strategy(search::make_strategy(c.strategy, problem), e.space, cheap, c.constraints);

  std::map<int64_t, search::Trial> stored;
  for (auto& t : store.trials()) stored.emplace(t.id, std::move(t));
  const double elapsed_before = std::stod(store.get("elapsed_s").value_or("0"));

  std::vector<search::Trial> known;  // for progress
  Progress p{&info, &known, c.budget_trials};
  const auto report = [&](bool finished) {
    p.skipped = strategy.infeasible_skipped();
    p.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    p.finished = finished;
    if (options.on_progress) options.on_progress(p);
  };
  const auto commit = [&](search::Trial t) -> search::Trial& {
    store.add(t, strategy.infeasible_skipped());
    ++p.evaluated;
    known.push_back(t);
    report(false);
    return known.back();
  };

  auto last_outputs = start;
  bool exhausted = false;  // the strategy ran out of proposals before the budget
  int64_t next_id = 0;
  for (; next_id < c.budget_trials;) {
    const double elapsed = elapsed_before + std::chrono::duration<double>(Clock::now() - start).count();
    if (c.budget_seconds && elapsed >= *c.budget_seconds) break;
    const int n = static_cast<int>(std::min<int64_t>(kRoundSize, c.budget_trials - next_id));
    std::vector<Candidate> round;
    while (static_cast<int>(round.size()) < n)
      if (auto cand = strategy.ask()) round.push_back(std::move(*cand));
      else break;
    exhausted = static_cast<int>(round.size()) < n;
    if (round.empty()) break;  // the strategy has nothing left to propose

    std::vector<search::Trial> results(round.size());
    std::vector<TrialRequest> requests;
    std::map<int64_t, size_t> slot;  // trial id -> index in the round
    for (size_t k = 0; k < round.size(); ++k) {
      const int64_t id = next_id + static_cast<int64_t>(k);
      search::Trial base = base_trial(id, round[k]);
      if (auto it = stored.find(id); it != stored.end()) {
        if (it->second.arch_str != round[k].arch_str)
          fail(store.file().string(),
               "trial {}: the strategy now proposes {} but the stored run has {}; the configuration no longer "
               "reproduces the stored search (a changed table or metric?). Use a new output folder "
               "(--set output=...).",
               id, round[k].arch_str, it->second.arch_str);
        results[k] = it->second;
        results[k].arch = round[k].arch;
        ++p.replayed;
        known.push_back(results[k]);
      } else if (!round[k].cheap_error.empty()) {
        base.status = search::TrialStatus::Failed;
        base.error = round[k].cheap_error;
        results[k] = commit(std::move(base));
      } else if (!executor) {
        results[k] = commit(complete_trial(std::move(base), TrialResult{.id = id}, c.constraints));
      } else {
        requests.push_back(
            {.id = id, .arch = round[k].arch_str, .metrics = expensive_names, .timeout_s = c.executor.trial_timeout_s});
        slot[id] = k;
      }
    }
    if (executor)
      executor->run(requests, [&](TrialResult r) {
        const size_t k = slot.at(r.id);
        results[k] = commit(complete_trial(base_trial(r.id, round[k]), r, c.constraints));
      });
    for (const auto& t : results) strategy.tell(t);
    next_id += static_cast<int64_t>(round.size());
    store.set("elapsed_s",
              std::to_string(elapsed_before + std::chrono::duration<double>(Clock::now() - start).count()));
    if (files && Clock::now() - last_outputs > std::chrono::seconds(2)) {  // `hwnas report` works during a run
      write_outputs(c.output, info, summarize(info, store.trials(), strategy.infeasible_skipped()));
      last_outputs = Clock::now();
    }
    if (static_cast<int>(round.size()) < n) break;
  }

  store.set("infeasible_skipped", std::to_string(strategy.infeasible_skipped()));
  store.set("stopped_early", exhausted ? stop_reason(c, next_id, strategy.gave_up()) : "");
  RunSummary summary = summarize(info, store.trials(), strategy.infeasible_skipped());
  if (files) write_outputs(c.output, info, summary);
  report(true);
  return summary;
}

}  // namespace hwnas::exp
