#pragma once
// REINFORCE (Williams 1992) with the MnasNet reward (Tan et al. 2019):
//     reward = ACC * (LAT / T)^w,   w = -0.07 (soft), or hard: w = 0 if LAT <= T else -1.
// ACC is the first maximised objective and LAT the first minimised one (without a minimised
// objective the reward is ACC alone; without a maximised one it is -LAT). The policy is one
// independent categorical distribution (softmax of logits) per decision; each told trial moves
// the logits of its choices by lr * advantage * (onehot - p), where the advantage is the reward
// minus a moving-average baseline, divided by a moving average of its own magnitude so that
// `lr` does not depend on the units of ACC. Failed and infeasible trials get reward 0, and a
// soft-constraint penalty is subtracted from the reward (penalised archs become less likely).
//
// Parameters: target (T; default: the median LAT of 200 random archs from the cheap metrics,
// or of the first 20 Ok trials when LAT is expensive), w (default -0.07), hard (0/1, default 0),
// lr (default 0.2), baseline_decay (default 0.9).
//
//   search::Reinforce s(problem, /*seed=*/1, {{"target", 20.0}, {"hard", 1}});
#include <optional>

#include "hwnas/search/strategy_base.h"

namespace hwnas::search {

class Reinforce : public StrategyBase {
 public:
  Reinforce(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "reinforce"; }

  // The MnasNet reward of a trial (0 for Failed / Infeasible), given the target in use.
  double reward(const Trial& trial) const;
  // Current probability of each choice of decision d.
  std::vector<double> probabilities(int d) const;
  std::optional<double> target() const { return target_; }

 protected:
  std::optional<space::Arch> propose() override;
  void learn(const Trial& trial) override;

 private:
  std::optional<double> sample_median(const std::vector<double>& values) const;

  int acc_ = -1, lat_ = -1;  // objective indices, -1 if absent
  std::optional<double> target_;
  double w_, lr_, decay_;
  bool hard_;
  std::vector<std::vector<double>> logits_;
  std::optional<double> baseline_;
  double scale_ = 0;               // moving average of |reward - baseline|
  std::vector<double> early_lat_;  // LAT of the first Ok trials, to set T when it is expensive
};

}  // namespace hwnas::search
