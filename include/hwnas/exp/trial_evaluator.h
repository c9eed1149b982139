#pragma once
// exp::make_trial_evaluator: the evaluator of an experiment's metrics, the same in a worker
// thread and in a worker process (`hwnas trial-worker`), which is what makes both executors
// give the same trials. It parses the request's arch string in the experiment's space and
// evaluates the named metrics in order, at the request's fidelity (epochs); the first that throws ends the trial as Failed with its
// message, keeping the values evaluated before it (as the search did before executors).
//
//   exp::TrialEvaluator eval = exp::make_trial_evaluator(experiment);
//   exp::TrialResult r = eval({.id = 0, .arch = s, .metrics = {"accuracy"}});
#include <map>
#include <string>

#include "hwnas/exp/executor.h"
#include "hwnas/exp/experiment.h"

namespace hwnas::exp {

// Holds the experiment's space and metrics (shared), so it may outlive `e`.
TrialEvaluator make_trial_evaluator(const Experiment& e);
// Name -> Metric::fingerprint() of each metric: what a worker process says it built, and what
// the process executor expects of it (an experiment file edited during a run would differ).
std::map<std::string, std::string> metric_fingerprints(const Experiment& e);

}  // namespace hwnas::exp
