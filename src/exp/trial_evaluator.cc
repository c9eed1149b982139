#include "hwnas/exp/trial_evaluator.h"

#include <chrono>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"

namespace hwnas::exp {

TrialEvaluator make_trial_evaluator(const Experiment& e) {
  std::map<std::string, std::shared_ptr<const eval::Metric>> metrics;
  for (const auto& m : e.metrics) metrics[m->name()] = m;
  return [space = e.space, metrics = std::move(metrics)](const TrialRequest& req) {
    const auto start = std::chrono::steady_clock::now();
    TrialResult r;
    r.id = req.id;
    try {
      const space::Arch arch = space->parse(req.arch);
      for (const auto& name : req.metrics) {
        const auto it = metrics.find(name);
        if (it == metrics.end()) {
          std::vector<std::string> known;
          for (const auto& [n, m] : metrics) known.push_back(n);
          throw Error("trial",
                      fmt::format("no metric named '{}' in this experiment (it has {})", name, fmt::join(known, ", ")));
        }
        r.values[name] = it->second->evaluate_at(arch, req.arch, req.epochs);
      }
    } catch (const std::exception& err) {
      r.status = TrialOutcome::Failed;
      r.error = err.what();
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  };
}

std::map<std::string, std::string> metric_fingerprints(const Experiment& e) {
  std::map<std::string, std::string> f;
  for (const auto& m : e.metrics) f[m->name()] = m->fingerprint();
  return f;
}

}  // namespace hwnas::exp
