#pragma once
// exp::Experiment: a configuration with its parts built: the search space and the metrics
// (tables loaded and checked). Space and metrics are shared pointers because worker threads
// hold them while they evaluate (a timed-out trial's thread may outlive the run).
//
//   exp::Experiment e = exp::build_experiment(exp::load_config("exp.yaml"));
//   e.metric("accuracy").source();   // "looked up (table nb201_cifar10.csv:test_acc_200ep)"
//
// Tests build an Experiment by hand to plug in their own metrics (a slow one, a failing one).
#include <memory>
#include <string>
#include <vector>

#include "hwnas/eval/metric.h"
#include "hwnas/exp/config.h"
#include "hwnas/space/search_space.h"

namespace hwnas::exp {

struct Experiment {
  ExperimentConfig config;
  std::shared_ptr<const space::SearchSpace> space;
  std::vector<std::shared_ptr<const eval::Metric>> metrics;  // in config order

  const eval::Metric& metric(const std::string& name) const;  // throws if undefined
};

// Errors name the experiment file, line and key (a missing table, a column that is not there,
// a table arch that does not parse in the space with its CSV line).
Experiment build_experiment(ExperimentConfig config);

}  // namespace hwnas::exp
