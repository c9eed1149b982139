#include "hwnas/exp/runner.h"

#include <algorithm>
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
#include "hwnas/search/pareto.h"

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
  if (c.fidelity)  // absent in single-fidelity runs, so stores written before fidelities resume
    s.emplace_back("fidelity", fmt::format("epochs {} eta {} metric {} bracket {}{}{}", fmt::join(c.fidelity->epochs, ","),
                                           c.fidelity->eta, c.fidelity->metric, c.fidelity->bracket,
                                           c.fidelity->continue_training ? "" : " restart",
                                           c.fidelity->rank_pareto ? " rank pareto" : ""));
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
  info.arch_is_model = !e.config.models.empty();
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

namespace {

// The trial store's rung evaluations, by (trial id, epochs).
using RungKey = std::pair<int64_t, int>;

// The Ok trials of a rung with the values to rank them by, grouped by soft-constraint penalty,
// smallest first (a feasible result always ranks above one that pays a penalty).
std::map<double, std::vector<size_t>> rankable_by_penalty(const std::vector<search::Trial>& rung,
                                                          const std::vector<search::Objective>& by) {
  std::map<double, std::vector<size_t>> groups;
  for (size_t i = 0; i < rung.size(); ++i) {
    const search::Trial& t = rung[i];
    const bool has_all = std::all_of(by.begin(), by.end(), [&](const auto& o) { return t.metrics.contains(o.metric); });
    if (t.status == search::TrialStatus::Ok && has_all) groups[t.penalty].push_back(i);
  }
  return groups;
}

// Ranks a rung for promotion: feasible results only, the smaller soft-constraint penalty first,
// then the better value of the ranking objective, then the earlier trial (ties stay
// deterministic). Returns the indices into `rung` of the `keep` best.
std::vector<size_t> best_of_rung(const std::vector<search::Trial>& rung, const search::Objective& by, size_t keep) {
  std::vector<size_t> chosen;
  for (auto& [penalty, group] : rankable_by_penalty(rung, {by})) {
    std::stable_sort(group.begin(), group.end(), [&](size_t a, size_t b) {
      const double va = rung[a].metrics.at(by.metric), vb = rung[b].metrics.at(by.metric);
      return by.maximize ? va > vb : va < vb;
    });
    chosen.insert(chosen.end(), group.begin(), group.end());
  }
  if (chosen.size() > keep) chosen.resize(keep);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

// The same by every objective (NSGA-II's survivor selection, as MO-ASHA promotes): within each
// penalty group, whole non-dominated fronts while they fit, then the members of the front that
// does not fit with the largest crowding distance (its extremes first; the earlier trial on ties).
std::vector<size_t> pareto_best_of_rung(const std::vector<search::Trial>& rung,
                                        const std::vector<search::Objective>& objectives, size_t keep) {
  std::vector<size_t> chosen;
  for (const auto& [penalty, group] : rankable_by_penalty(rung, objectives)) {
    std::vector<search::Point> points;
    for (size_t i : group) points.push_back(search::objective_point(rung[i], objectives));
    for (std::vector<size_t> front : search::non_dominated_sort(points, objectives)) {
      if (chosen.size() >= keep) break;
      if (chosen.size() + front.size() > keep) {
        const std::vector<double> crowd = search::crowding_distance(points, front);
        std::vector<size_t> order(front.size());
        for (size_t k = 0; k < order.size(); ++k) order[k] = k;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return crowd[a] > crowd[b]; });
        std::vector<size_t> cut;
        for (size_t k = 0; k < keep - chosen.size(); ++k) cut.push_back(front[order[k]]);
        front = std::move(cut);
      }
      for (size_t k : front) chosen.push_back(group[k]);
    }
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

// One invocation of run_experiment: the store, the strategy in its middleware, the executor and
// the progress, shared by the steps of the search loop.
class Run {
 public:
  Run(const Experiment& e, const RunOptions& options)
      : e_(e), c_(e.config), options_(options), start_(Clock::now()), files_(!options.in_memory) {}

  RunSummary go() {
    open_store();
    split_metrics();
    build_strategy();
    for (auto& t : store_->trials()) stored_.emplace(t.id, std::move(t));
    for (auto& t : store_->rungs()) stored_rungs_.emplace(RungKey{t.id, t.epochs}, std::move(t));
    elapsed_before_ = std::stod(store_->get("elapsed_s").value_or("0"));
    progress_ = Progress{&info_, &known_, c_.budget_trials};

    auto last_outputs = start_;
    bool exhausted = false;  // the strategy ran out of proposals before the budget
    int64_t next_id = 0;
    while (next_id < c_.budget_trials) {
      if (c_.budget_seconds && elapsed() >= *c_.budget_seconds) break;
      const int n = static_cast<int>(std::min<int64_t>(round_size(), c_.budget_trials - next_id));
      std::vector<Candidate> round;
      while (static_cast<int>(round.size()) < n)
        if (auto cand = strategy_->ask()) round.push_back(std::move(*cand));
        else break;
      exhausted = static_cast<int>(round.size()) < n;
      if (round.empty()) break;  // the strategy has nothing left to propose

      const std::vector<search::Trial> results = c_.fidelity ? run_bracket(round, next_id) : run_round(round, next_id);
      for (const auto& t : results) strategy_->tell(t);
      next_id += static_cast<int64_t>(round.size());
      store_->set("elapsed_s", std::to_string(elapsed()));
      if (files_ && Clock::now() - last_outputs > std::chrono::seconds(2)) {  // `hwnas report` works during a run
        write_outputs(c_.output, info_, summarize(info_, store_->trials(), strategy_->infeasible_skipped()));
        last_outputs = Clock::now();
      }
      if (exhausted) break;
    }

    store_->set("infeasible_skipped", std::to_string(strategy_->infeasible_skipped()));
    store_->set("stopped_early", exhausted ? stop_reason(c_, next_id, strategy_->gave_up()) : "");
    RunSummary summary = summarize(info_, store_->trials(), strategy_->infeasible_skipped());
    if (files_) write_outputs(c_.output, info_, summary);
    report(true);
    return summary;
  }

 private:
  double elapsed() const { return elapsed_before_ + std::chrono::duration<double>(Clock::now() - start_).count(); }

  // Lock the output folder, open the store, check the settings against a stored run.
  void open_store() {
    if (files_) {
      std::error_code ec;
      std::filesystem::create_directories(c_.output, ec);
      if (ec) fail(c_.output.string(), "cannot create the output folder: {}", ec.message());
      lock_.emplace(c_.output);
    }
    store_.emplace(TrialStore::open(files_ ? c_.output / "trials.db" : ":memory:", TrialStore::Mode::ReadWrite));
    check_or_record_settings(*store_, e_);
    info_ = run_info(e_);
    store_->set("info", info_.to_json().dump());
    if (files_) write_file_atomic(c_.output / "experiment.yaml", c_.effective_yaml());
  }

  void split_metrics() {
    for (const auto& m : e_.metrics) (m->cost() == eval::CostClass::Cheap ? cheap_ : expensive_).push_back(m);
    for (const auto& m : cheap_) cheap_names_.push_back(m->name());
    for (const auto& m : expensive_) expensive_names_.push_back(m->name());
    // Only cheap metrics: a trial just checks the constraints, so it runs here rather than pay
    // for an executor (a cheap-only search makes thousands of trials a second).
    if (!expensive_.empty())
      executor_ =
          make_executor(c_.executor, make_trial_evaluator(e_), options_.worker_command, metric_fingerprints(e_));
  }

  // The budget may change between resumes. A strategy that plans by its budget (auto picks one
  // by it) is always built with the budget of the first run, recorded in the store, so a resume
  // with a larger budget replays the same decisions and then continues.
  void build_strategy() {
    const std::string first_budget = store_->get("first_budget_trials").value_or(std::to_string(c_.budget_trials));
    store_->set("first_budget_trials", first_budget);
    const search::SearchProblem problem{e_.space.get(),
                                        c_.objectives,
                                        std::stoi(first_budget),
                                        make_cheap_eval(e_.space, cheap_, c_.constraints),
                                        make_infeasibility(e_.space, cheap_, c_.constraints),
                                        cheap_names_};
    strategy_.emplace(search::make_strategy(c_.strategy, problem), e_.space, cheap_, c_.constraints);
  }

  // Candidates per round: kRoundSize, or for a multi-fidelity search enough for at least one to
  // reach the last rung.
  int round_size() const {
    if (!c_.fidelity) return kRoundSize;
    if (c_.fidelity->bracket > 0) return c_.fidelity->bracket;
    int64_t full = 1;
    for (size_t r = 1; r < c_.fidelity->epochs.size() && full < 1'000'000; ++r) full *= c_.fidelity->eta;
    return static_cast<int>(std::max<int64_t>(kRoundSize, full));
  }

  void report(bool finished) {
    progress_.skipped = strategy_->infeasible_skipped();
    progress_.elapsed_s = std::chrono::duration<double>(Clock::now() - start_).count();
    progress_.finished = finished;
    if (options_.on_progress) options_.on_progress(progress_);
  }

  search::Trial& commit(search::Trial t) {
    store_->add(t, strategy_->infeasible_skipped());
    ++progress_.evaluated;
    known_.push_back(std::move(t));
    report(false);
    return known_.back();
  }

  // A trial of the stored run, if it is final: the strategy re-proposes it and is told it again.
  std::optional<search::Trial> replay(int64_t id, const Candidate& cand) {
    const auto it = stored_.find(id);
    if (it == stored_.end()) return std::nullopt;
    check_same_arch(id, cand, it->second);
    search::Trial t = it->second;
    t.arch = cand.arch;
    ++progress_.replayed;
    known_.push_back(t);
    return t;
  }

  void check_same_arch(int64_t id, const Candidate& cand, const search::Trial& stored) const {
    if (stored.arch_str != cand.arch_str)
      fail(store_->file().string(),
           "trial {}: the strategy now proposes {} but the stored run has {}; the configuration no longer "
           "reproduces the stored search (a changed table, metric or search space?). Use a new output folder "
           "(--set output=...).",
           id, cand.arch_str, stored.arch_str);
  }

  TrialRequest request(int64_t id, const Candidate& cand, int epochs) const {
    return {.id = id,
            .arch = cand.arch_str,
            .metrics = expensive_names_,
            .epochs = epochs,
            .timeout_s = c_.executor.trial_timeout_s};
  }

  // Single fidelity: each candidate is evaluated once, on the executor.
  std::vector<search::Trial> run_round(const std::vector<Candidate>& round, int64_t first_id) {
    std::vector<search::Trial> results(round.size());
    std::vector<TrialRequest> requests;
    std::map<int64_t, size_t> slot;  // trial id -> index in the round
    for (size_t k = 0; k < round.size(); ++k) {
      const int64_t id = first_id + static_cast<int64_t>(k);
      search::Trial base = base_trial(id, round[k]);
      if (auto t = replay(id, round[k])) {
        results[k] = std::move(*t);
      } else if (!round[k].cheap_error.empty()) {
        base.status = search::TrialStatus::Failed;
        base.error = round[k].cheap_error;
        results[k] = commit(std::move(base));
      } else if (!executor_) {
        results[k] = commit(complete_trial(std::move(base), TrialResult{.id = id}, c_.constraints));
      } else {
        requests.push_back(request(id, round[k], 0));
        slot[id] = k;
      }
    }
    if (executor_)
      executor_->run(requests, [&](TrialResult r) {
        const size_t k = slot.at(r.id);
        results[k] = commit(complete_trial(base_trial(r.id, round[k]), r, c_.constraints));
      });
    return results;
  }

  // Multi-fidelity: successive halving over the round. Every candidate is evaluated at the first
  // rung; the best 1/eta of each rung go on to the next. A trial is final (committed to the trials
  // table) when it stops: pruned, failed, infeasible, or evaluated at the last rung. Each rung
  // evaluation is committed to the rungs table as it finishes, so a resumed search never
  // evaluates one again (a training metric never retrains).
  std::vector<search::Trial> run_bracket(const std::vector<Candidate>& round, int64_t first_id) {
    const FidelityConfig& f = *c_.fidelity;
    const auto objective = std::find_if(c_.objectives.begin(), c_.objectives.end(),
                                        [&](const search::Objective& o) { return o.metric == f.metric; });
    std::vector<search::Trial> results(round.size());
    std::vector<size_t> alive;  // indices into the round still in the bracket
    for (size_t k = 0; k < round.size(); ++k) {
      if (round[k].cheap_error.empty()) {
        alive.push_back(k);
        continue;
      }
      search::Trial t = base_trial(first_id + static_cast<int64_t>(k), round[k]);
      t.status = search::TrialStatus::Failed;
      t.error = round[k].cheap_error;
      results[k] = finish(std::move(t), round[k]);
    }
    // On resume every rung is replayed from the store (trials stopped at a rung included: they
    // count in that rung's ranking), so promotions are the same as in the interrupted run.
    const std::string ranking =
        f.rank_pareto ? "by Pareto rank over every objective, then crowding distance"
                      : fmt::format("{} by {}", objective->maximize ? "highest" : "lowest", f.metric);
    for (size_t rung = 0; rung < f.epochs.size() && !alive.empty(); ++rung) {
      const int epochs = f.epochs[rung];
      const std::vector<search::Trial> evaluated = evaluate_rung(round, first_id, alive, epochs);
      const bool last = rung + 1 == f.epochs.size();
      const size_t keep = last ? 0 : std::max<size_t>(1, alive.size() / static_cast<size_t>(f.eta));
      std::vector<size_t> promoted;
      const std::vector<size_t> best = f.rank_pareto ? pareto_best_of_rung(evaluated, c_.objectives, keep)
                                                     : best_of_rung(evaluated, *objective, keep);
      for (size_t i : best) promoted.push_back(alive[i]);
      for (size_t i = 0; i < alive.size(); ++i) {
        if (std::find(promoted.begin(), promoted.end(), alive[i]) != promoted.end()) continue;
        search::Trial t = evaluated[i];
        if (!last && t.status == search::TrialStatus::Ok) {
          t.status = search::TrialStatus::Pruned;
          t.error = fmt::format("stopped after {} epochs: not among the best {} of {} at that rung ({})", epochs, keep,
                                alive.size(), ranking);
        }
        results[alive[i]] = finish(std::move(t), round[alive[i]]);
      }
      alive = std::move(promoted);
    }
    return results;
  }

  // A trial of a bracket that stops here: committed, or replayed if the stored run has it final.
  search::Trial finish(search::Trial t, const Candidate& cand) {
    if (auto stored = replay(t.id, cand)) return std::move(*stored);
    return commit(std::move(t));
  }

  // The trials `alive` (indices into the round) at `epochs`: from the store where a resumed run
  // has them, else on the executor. In the order of `alive`.
  std::vector<search::Trial> evaluate_rung(const std::vector<Candidate>& round, int64_t first_id,
                                           const std::vector<size_t>& alive, int epochs) {
    std::vector<search::Trial> out(alive.size());
    std::vector<TrialRequest> requests;
    std::map<int64_t, size_t> slot;  // trial id -> index in `alive`
    for (size_t i = 0; i < alive.size(); ++i) {
      const int64_t id = first_id + static_cast<int64_t>(alive[i]);
      if (auto it = stored_rungs_.find({id, epochs}); it != stored_rungs_.end()) {
        check_same_arch(id, round[alive[i]], it->second);
        out[i] = it->second;
        out[i].arch = round[alive[i]].arch;
        ++progress_.rungs_replayed;
      } else {
        requests.push_back(request(id, round[alive[i]], epochs));
        slot[id] = i;
      }
    }
    executor_->run(requests, [&](TrialResult r) {
      const size_t i = slot.at(r.id);
      search::Trial t = complete_trial(base_trial(r.id, round[alive[i]]), r, c_.constraints);
      t.epochs = epochs;
      store_->add_rung(t);
      ++progress_.rung_evaluations;
      report(false);
      out[i] = std::move(t);
    });
    return out;
  }

  const Experiment& e_;
  const ExperimentConfig& c_;
  const RunOptions& options_;
  const Clock::time_point start_;
  const bool files_;
  std::optional<FolderLock> lock_;
  std::optional<TrialStore> store_;
  RunInfo info_;
  std::vector<std::shared_ptr<const eval::Metric>> cheap_, expensive_;
  std::vector<std::string> cheap_names_, expensive_names_;
  std::unique_ptr<Executor> executor_;
  std::optional<ConstrainedStrategy> strategy_;
  std::map<int64_t, search::Trial> stored_;        // final trials of a stored run, by id
  std::map<RungKey, search::Trial> stored_rungs_;  // its rung evaluations
  double elapsed_before_ = 0;
  std::vector<search::Trial> known_;  // for progress
  Progress progress_;
};

}  // namespace

RunSummary run_experiment(const Experiment& e, const RunOptions& options) { return Run(e, options).go(); }

}  // namespace hwnas::exp
