#pragma once
// report::Comparison: the trials of a run read as a comparison of models (the phone job:
// "EfficientNet-B0..B3, which one on this phone?"): per model its accuracy and latency, each
// with where that figure came from (the metric's source_for: a citation, a measurement's runs
// and spread, a prediction's model), its MACs and params, and the recommendation
// (report/recommendation.h). Written beside the run's other files:
//   comparison.csv       model,accuracy,accuracy_source,latency_ms,latency_source,macs_m,params_m,
//                        <other metrics>,on_front,recommended,knee,status,error (pandas.read_csv)
//   recommendation.json  the same rows, the front, the pick within the budget, the knee and the
//                        price of each step up the front; `hwnas report` draws its section from it
//
//   exp::Experiment e = exp::build_experiment(exp::load_config("examples/efficientnet-phone.yaml"));
//   exp::run_experiment(e);
//   report::Comparison c = report::compare_trials(e, trials, /*budget_ms=*/std::nullopt);
//   report::write_comparison(e.config.output, c);
//
// Which metric is the accuracy and which the latency: the experiment's compare: section, else
// its first maximised and first minimised objectives. The budget: the argument, else
// compare.budget_ms, else a max constraint on the latency metric, else none.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/exp/experiment.h"
#include "hwnas/report/recommendation.h"
#include "hwnas/search/strategy.h"

namespace hwnas::report {

struct Figure {
  double value = 0;
  std::string source;
};

struct ComparisonRow {
  std::string model;
  std::string status = "ok";  // ok | failed | infeasible | pruned
  std::string error;
  std::map<std::string, Figure> figures;  // by metric name, the metrics the trial has
  double macs_m = 0, params_m = 0;        // millions, from the graph (ir/stats.h)
};

struct Comparison {
  std::string accuracy_metric, latency_metric;
  std::vector<std::string> metrics;  // every metric of the run, in config order
  std::vector<ComparisonRow> rows;   // trial order
  // The rows that have both an accuracy and a latency, as recommend()'s candidates.
  std::vector<Candidate> candidates;
  std::vector<size_t> candidate_rows;  // candidate -> index into rows
  Recommendation recommendation;
  std::string summary;  // describe(recommendation, ...)
};

// Throws hwnas::Error when the run has no metric to use as accuracy or latency, or no trial has both.
Comparison compare_trials(const exp::Experiment& e, const std::vector<search::Trial>& trials,
                          std::optional<double> budget_ms);

// A run that resumes with nothing left to do evaluates nothing, so its metrics can only give their
// general source ("measured (xnnpack on this host, ...)") where the run that evaluated knew the
// runs and spread. Keeps `previous`'s source of each figure whose value is the same and whose new
// source is the metric's general one. Returns how many were kept.
size_t keep_known_sources(Comparison& c, const Comparison& previous, const exp::Experiment& e);

std::string comparison_csv(const Comparison& c);
nlohmann::json comparison_json(const Comparison& c);
// Throws hwnas::Error naming `file` when the JSON is not comparison_json()'s.
Comparison comparison_from_json(const nlohmann::json& j, const std::string& file);

// comparison.csv and recommendation.json in `dir`, atomically; returns their paths.
std::vector<std::filesystem::path> write_comparison(const std::filesystem::path& dir, const Comparison& c);

}  // namespace hwnas::report
