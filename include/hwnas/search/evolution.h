#pragma once
// Regularized (aging) evolution, Real et al. 2019 ("Regularized Evolution for Image
// Classifier Architecture Search", Algorithm 1): the first `population` architectures are
// random; then each child is a mutation (one decision changed) of the winner of a tournament
// among `sample_size` members drawn at random from the population, and the population keeps
// only the `population` most recent Ok trials (the oldest dies, not the worst).
//
// Several objectives: the tournament winner is drawn uniformly from the first non-dominated
// front of the sample (Pareto rank; soft-constraint penalties rank after every unpenalised
// trial, Deb's constrained domination) — no weights to choose. With one objective that is
// simply the best member.
//
// Parameters: population (default 50), sample_size (default 10).
//
//   search::RegularizedEvolution s(problem, /*seed=*/1, {{"population", 30}});
#include <deque>

#include "hwnas/search/strategy_base.h"

namespace hwnas::search {

class RegularizedEvolution : public StrategyBase {
 public:
  RegularizedEvolution(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "evolution"; }

 protected:
  std::optional<space::Arch> propose() override;
  void learn(const Trial& trial) override;

 private:
  int population_size_;
  int sample_size_;
  std::deque<size_t> population_;  // indices into trials(), oldest first
};

}  // namespace hwnas::search
