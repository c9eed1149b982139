#pragma once
// exp::ExperimentConfig: the experiment file, a PUBLIC schema (documented in the README):
//
//   name: nb201-raspi4
//   space: nb201                      # a built-in space or a YAML space file, or a list of models:
//                                     # {models: [efficientnet-b0, efficientnet-b1]} (target/model_list_space.h)
//   metrics:                          # name: definition (eval/metric.h)
//     accuracy:   {table: nb201_cifar10.csv, key: arch_str, column: test_acc_200ep}
//     latency_ms: {table: nb201_latency.csv, key: arch_str, column: raspi4_latency_ms, cost: cheap}
//   objectives: [{metric: accuracy, goal: max}, {metric: latency_ms, goal: min}]
//   constraints: [{metric: latency_ms, max: 20.0}]      # min: too; soft: w makes it a penalty
//   strategy: {name: auto, seed: 1}                      # other numeric keys: strategy params
//   budget: {trials: 300}                                # seconds: optional wall-time limit
//   executor: {kind: thread, workers: 2, trial_timeout_s: 60}   # kind: thread|process; 0 = no timeout
//   fidelity: {epochs: [12, 200], eta: 3}   # optional: successive halving over training epochs
//   deploy: {target: cortex-m7, dataset: speech-commands:data/kws, inputs: 100}   # optional (exp/deploy_config.h)
//   compare: {accuracy: accuracy, latency: latency_ms, budget_ms: 30}   # optional: the comparison and
//                                     # recommendation (report/comparison.h); on by default for a list of models
//   output: runs/nb201-raspi4
//
// `workers:` and `trial_timeout_s:` at the top level (the keys before executors) still work.
//
// Paths written in the file are relative to the file; paths given with --set are relative
// to the current directory. Errors name the file, line and key path (exp/yaml_source.h).
//
//   exp::ExperimentConfig c = exp::load_config("examples/nb201-raspi4.yaml", {"budget.trials=50"});
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hwnas/exp/constraints.h"
#include "hwnas/exp/deploy_config.h"
#include "hwnas/exp/executor.h"
#include "hwnas/exp/yaml_source.h"
#include "hwnas/search/factory.h"

namespace hwnas::exp {

struct MetricSpec {
  std::string name;
  std::string path;  // "metrics.<name>", for errors
  YAML::Node node;   // the definition, read by eval::make_metric()
};

// A multi-fidelity search (successive halving, the synchronous form of Hyperband's brackets and
// ASHA's rungs): each round of candidates is evaluated at epochs[0]; the best 1/eta by `metric`
// go on to epochs[1], and so on; only those that reach the last rung are results, the others
// are recorded as pruned. See exp/runner.h.
struct FidelityConfig {
  std::vector<int> epochs;  // the rungs, increasing; the last is the full fidelity
  int eta = 3;              // keep the best 1/eta of a rung (at least one)
  std::string metric;       // ranks each rung: an objective (default: the first)
  int bracket = 0;          // candidates per round (0: eta^(rungs-1), at least kRoundSize)
  // Rank a rung by every objective (non-dominated fronts, the last cut by crowding distance, as
  // MO-ASHA) instead of by `metric` alone: a multi-objective search then keeps cheap candidates
  // that are slower to learn instead of pruning them all at the first rung.
  bool rank_pareto = false;
  // A promoted candidate goes on training from its lower rung's checkpoint (its learning-rate
  // schedule spans the last rung) instead of starting again: no epoch is trained twice.
  bool continue_training = true;
};

// The comparison of the trials as models (report/comparison.h): which metric is the accuracy and
// which the latency (default: the first maximised and the first minimised objective) and the
// latency budget of the recommendation (default: a max constraint on the latency metric).
struct CompareConfig {
  std::string accuracy, latency;  // metric names; empty: from the objectives
  std::optional<double> budget_ms;
};

struct ExperimentConfig {
  YamlSource source;  // the parsed file after --set, for located errors
  std::string name;
  std::string space;                // built-in name, or a resolved path to a space file; empty with models
  std::vector<std::string> models;  // `space: {models: [...]}`: model references (files made absolute)
  std::vector<MetricSpec> metrics;  // in file order: the column order of trials.csv
  std::vector<search::Objective> objectives;
  std::vector<Constraint> constraints;
  search::StrategyConfig strategy;
  int budget_trials = 100;
  std::optional<double> budget_seconds;
  ExecutorConfig executor;  // where trials run; does not change which trials
  std::optional<FidelityConfig> fidelity;
  std::optional<CompareConfig> compare;  // given, or implied by a list of models
  std::optional<DeployConfig> deploy;  // after the search: the best trial as int8 C on the target
  std::filesystem::path output;  // resolved

  // The configuration as run (after --set, with paths made absolute), as YAML text.
  std::string effective_yaml() const;
};

// Checks every key, type and cross-reference (objectives and constraints name defined
// metrics); metric definitions are checked when built (exp/experiment.h).
ExperimentConfig load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
ExperimentConfig parse_config(std::string_view text, const std::filesystem::path& file,
                              const std::vector<std::string>& overrides = {});

}  // namespace hwnas::exp
