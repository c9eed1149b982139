#pragma once
// exp::RunInfo and exp::RunSummary: what a run is (metrics, their sources, objectives,
// constraints, budget) and where it stands (counts, Pareto front, best per objective). The
// progress bar, the output files and `hwnas status` all read the same summary, so they
// always agree. RunInfo is stored in the trial store as JSON, which lets `hwnas status` and
// `hwnas report` describe a run from its folder alone.
//
//   exp::RunSummary s = exp::summarize(info, store.trials(), store.infeasible_skipped());
//   for (size_t i : s.front) s.trials[i] ...;
//   if (s.best[0]) s.trials[*s.best[0]] ...;   // best in objectives[0] under the constraints
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/exp/constraints.h"
#include "hwnas/search/strategy.h"
#include "hwnas/target/resolver.h"

namespace hwnas::exp {

struct RunInfo {
  std::string name;
  std::string space;
  // Names the space for target::resolve_model: "nb201", "mbconv@npu-generic", or a YAML space file's
  // path. best.json gives each trial as a model, "<space_ref>:<arch>", that every command reads.
  std::string space_ref;
  bool arch_is_model = false;        // a list of models (target/model_list_space.h): the arch string is the model
  std::vector<std::string> metrics;  // in config order
  std::map<std::string, std::string> sources;  // metric -> "looked up (table f.csv:col)"
  std::map<std::string, std::string> cost;     // metric -> "cheap" | "expensive"
  std::vector<search::Objective> objectives;
  std::vector<Constraint> constraints;
  int budget_trials = 0;

  nlohmann::json to_json() const;
  static RunInfo from_json(const nlohmann::json& j);  // throws hwnas::Error if malformed
};

struct RunSummary {
  std::vector<search::Trial> trials;       // id order
  int ok = 0, failed = 0, infeasible = 0;  // trials by status
  int pruned = 0;                          // stopped at a lower fidelity (multi-fidelity search)
  int64_t skipped = 0;                     // infeasible candidates that cost no trial
  std::vector<size_t> front;               // feasible non-dominated trials (indices)
  // Per objective: the best Ok trial, soft penalties counted against it (value - penalty
  // when maximising, + penalty when minimising). nullopt when there is no Ok trial.
  std::vector<std::optional<size_t>> best;
};

RunSummary summarize(const RunInfo& info, std::vector<search::Trial> trials, int64_t skipped);

// The trial that beats a reference (a baseline model's metrics): of the Ok trials without a soft
// penalty whose first objective is no worse than the reference's, the best by the second (e.g. the
// least power with an mAP no lower). nullopt when none is, or with fewer than two objectives.
std::optional<size_t> best_beating(const RunSummary& s, const std::vector<search::Objective>& objectives,
                                   const std::map<std::string, double>& reference);

// "94.37 (looked up (table nb201_cifar10.csv:test_acc_200ep))" style value formatting.
std::string format_value(double v);

}  // namespace hwnas::exp
