#pragma once
// NSGA-II (Deb, Pratap, Agarwal, Meyarivan 2002) on categorical decisions. The first
// `population` architectures are random. Each later child comes from two parents picked by
// binary tournaments (lower rank wins, then larger crowding distance), uniform crossover with
// probability `crossover` and a per-decision mutation with probability 1/num_decisions (at
// least one decision changes when the child would repeat an asked architecture). Once
// `population` children have been told, parents and children are merged and the next parents
// are chosen front by front, the last front cut by crowding distance. Soft-constraint
// penalties use Deb's constrained domination (penalised trials rank after all others).
//
// Parameters: population (default 20), crossover (default 0.9).
//
//   search::Nsga2 s(problem, /*seed=*/1, {{"population", 40}});
#include "hwnas/search/strategy_base.h"

namespace hwnas::search {

class Nsga2 : public StrategyBase {
 public:
  Nsga2(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "nsga2"; }
  // The current parents (indices into the told trials, in order of selection).
  const std::vector<size_t>& parents() const { return parents_; }

 protected:
  std::optional<space::Arch> propose() override;
  void learn(const Trial& trial) override;

 private:
  size_t tournament();  // index into parents_
  space::Arch child_of(const space::Arch& a, const space::Arch& b);
  void select_next_parents();

  int population_size_;
  double crossover_;
  std::vector<size_t> parents_;       // indices into trials()
  std::vector<int> parent_rank_;      // NSGA-II rank of each parent
  std::vector<double> parent_crowd_;  // crowding distance of each parent
  std::vector<size_t> children_;      // Ok children told since the last selection
  int children_told_ = 0;             // including failed and infeasible ones
};

}  // namespace hwnas::search
