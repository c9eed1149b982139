#pragma once
// The `auto` strategy (the default): picks a built-in strategy for the problem and delegates
// to it. The rule (bench/search: on NB201 x raspi4 with latency cheap the predictor finds
// 27% of the true front in 300 trials (mean of 10 seeds; REINFORCE 12%, random 1.7%) and the
// best accuracy under the median latency within 150 trials in 8 of 10 seeds (random: 1)):
//   1. grid       when the budget covers the whole space (nothing beats trying everything);
//   2. predictor  when the budget allows at least 30 trials (enough for the surrogate to pay
//                 off after its 10 random starting points) and some objective is expensive;
//   3. evolution  otherwise: small budgets, or every objective known from the cheap metrics
//                 (nothing to predict, and the predictor would rank thousands of candidates
//                 per ask where each trial is free anyway).
// Parameters given to `auto` are passed to the chosen strategy.
//
//   search::AutoStrategy s(problem, /*seed=*/1);
//   s.chosen();   // "predictor" for NB201 with a budget of 300
#include <memory>
#include <string>

#include "hwnas/search/factory.h"

namespace hwnas::search {

// The name of the strategy `auto` picks for this problem.
std::string auto_choice(const SearchProblem& problem);

class AutoStrategy : public Strategy {
 public:
  AutoStrategy(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "auto"; }
  const std::string& chosen() const { return chosen_; }
  std::optional<space::Arch> ask() override { return inner_->ask(); }
  void tell(const Trial& trial) override { inner_->tell(trial); }

 private:
  std::string chosen_;
  std::unique_ptr<Strategy> inner_;
};

}  // namespace hwnas::search
