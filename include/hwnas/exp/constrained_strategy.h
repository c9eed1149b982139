#pragma once
// exp::ConstrainedStrategy: hardware constraints as middleware around any search::Strategy
// (as NNI recommends: filters and penalties outside the exploration algorithm). On each ask
// it evaluates the cheap metrics of the strategy's proposal first; a proposal that breaks a
// hard limit on a cheap metric is told back to the strategy at once as Infeasible and
// never becomes a trial (it is only counted in infeasible_skipped()).
//
//   auto cheap = exp::make_cheap_eval(space, cheap_metrics, constraints);
//   exp::ConstrainedStrategy s(search::make_strategy(cfg, {..., .cheap = cheap}), space, cheap_metrics,
//                              constraints);
//   while (auto c = s.ask()) { search::Trial t = evaluate(*c); s.tell(t); }
//
// Note: an infeasible proposal is told before the feasible proposals asked earlier in the same
// round are told (strategies must accept tells of any asked arch, as Optuna's ask/tell does).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/eval/metric.h"
#include "hwnas/exp/constraints.h"
#include "hwnas/search/factory.h"
#include "hwnas/search/strategy.h"

namespace hwnas::exp {

// A proposal that passed the hard limits on cheap metrics.
struct Candidate {
  space::Arch arch;
  std::string arch_str;                 // canonical
  std::map<std::string, double> cheap;  // the cheap metrics' values
  std::string cheap_error;              // a cheap metric threw: the trial fails with this
};

// The cheap metrics of an arch, or nullopt when one throws or a hard limit is broken;
// what SearchProblem::cheap gives strategies (they may call it on any number of archs).
search::CheapEval make_cheap_eval(std::shared_ptr<const space::SearchSpace> space,
                                  std::vector<std::shared_ptr<const eval::Metric>> cheap_metrics,
                                  std::vector<Constraint> constraints);
// How far an arch is from those same hard limits (search::Infeasibility): the sum over broken
// ones of excess / |limit| (excess alone for a limit of 0); it evaluates only the constrained
// metrics. Empty when no hard limit is on a cheap metric.
search::Infeasibility make_infeasibility(std::shared_ptr<const space::SearchSpace> space,
                                         const std::vector<std::shared_ptr<const eval::Metric>>& cheap_metrics,
                                         const std::vector<Constraint>& constraints);

class ConstrainedStrategy {
 public:
  // `max_consecutive_skips`: after that many infeasible proposals in a row the search stops
  // (ask() returns nullopt) instead of looping on a space where almost nothing is feasible.
  ConstrainedStrategy(std::unique_ptr<search::Strategy> inner, std::shared_ptr<const space::SearchSpace> space,
                      std::vector<std::shared_ptr<const eval::Metric>> cheap_metrics,
                      std::vector<Constraint> constraints, int64_t max_consecutive_skips = 1'000'000);

  std::optional<Candidate> ask();
  void tell(const search::Trial& trial) { inner_->tell(trial); }

  const search::Strategy& inner() const { return *inner_; }
  int64_t infeasible_skipped() const { return skipped_; }
  bool gave_up() const { return gave_up_; }  // stopped on max_consecutive_skips

 private:
  std::unique_ptr<search::Strategy> inner_;
  std::shared_ptr<const space::SearchSpace> space_;
  std::vector<std::shared_ptr<const eval::Metric>> cheap_;
  std::vector<Constraint> constraints_;
  int64_t max_skips_;
  int64_t skipped_ = 0;
  bool gave_up_ = false;
};

}  // namespace hwnas::exp
