#pragma once
// report::ExperimentOutput: what `hwnas report` knows about a run, read from the files that
// `hwnas search` leaves in its output folder and nothing else, so it works on any finished
// run and on one still going (the runner rewrites its files atomically as trials finish):
//   experiment.yaml  the effective configuration: name, space, metrics, objectives,
//                    constraints, strategy, budget (required)
//   trials.csv       one row per trial: id,arch,<metrics...>,status,penalty,seconds,error (required)
//   pareto.csv       the feasible non-dominated trials (optional: else computed from trials.csv)
//   best.json        best per objective and where each figure came from (optional)
//   recommendation.json  the comparison of models (report/comparison.h; optional)
//   deploy*/report.json  what the deploy: step deployed (report/deployment_section.h; optional)
//
//   report::ExperimentOutput out = report::load_experiment_output("runs/nb201-raspi4");
//   for (size_t i : out.front) out.trials[i].arch_str ...;
//   out.sources.at("accuracy");   // "looked up (table nb201_cifar10.csv:test_acc_200ep)"
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/exp/constraints.h"
#include "hwnas/report/comparison.h"
#include "hwnas/report/deployment_section.h"
#include "hwnas/search/strategy.h"

namespace hwnas::report {

struct ExperimentOutput {
  std::filesystem::path dir;
  std::string name;
  std::string space;
  std::string strategy;  // "evolution (seed: 1, population: 50)"; "auto" if unset
  std::optional<int> budget_trials;
  std::optional<double> budget_seconds;
  std::vector<std::string> metrics;            // metric columns of trials.csv, in file order
  std::map<std::string, std::string> sources;  // metric -> where its figures come from
  std::map<std::string, std::string> cost;     // metric -> "cheap" | "expensive" (when given)
  std::vector<search::Objective> objectives;
  std::vector<exp::Constraint> constraints;
  std::vector<search::Trial> trials;  // file order (id order); arch_str only, no genotype
  std::vector<size_t> front;          // indices into trials: the feasible non-dominated ones
  bool front_from_file = false;       // pareto.csv was read (else computed here)
  // best.json's choice per objective (index into trials), soft penalties counted; empty when
  // best.json is missing, then best_index() falls back to search::best_under.
  std::map<std::string, size_t> best;
  std::optional<int64_t> skipped;       // candidates rejected on cheap metrics (best.json)
  std::optional<Comparison> comparison;  // recommendation.json, when the run compared models
  std::vector<Deployment> deployments;   // deploy/ and deploy-baseline/, when the run deployed
  std::vector<std::string> files_read;  // "trials.csv (300 rows)", for the report's sources

  int count(search::TrialStatus status) const;
  // Index of the best trial for objective `o`, or nullopt if no trial is Ok.
  std::optional<size_t> best_index(size_t o) const;
};

// Throws hwnas::Error naming the file (and line or key) for: a missing folder or required
// file, YAML or CSV that does not parse, missing columns, an unknown status, an Ok trial
// without a value for an objective, an objective or constraint on a metric that is not a
// column of trials.csv, and pareto.csv/best.json ids that are not in trials.csv.
ExperimentOutput load_experiment_output(const std::filesystem::path& dir);

}  // namespace hwnas::report
