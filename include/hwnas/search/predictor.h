#pragma once
// Predictor-guided search (Bayesian optimisation with a random-forest surrogate, in the
// spirit of SMAC and of BANANAS/White et al. 2021 for NAS). After `init` random archs, each
// ask() proposes the candidate with the highest expected hypervolume improvement (EHVI) of
// the current front:
//   - objectives the cheap metrics give (SearchProblem::cheap, e.g. a latency table or a cost
//     model) are known exactly for every candidate, for free;
//   - each other (expensive) objective has a Forest surrogate trained on the Ok trials; its
//     mean and the spread of its trees define a normal belief, and the expectation over it is
//     taken with 5-point Gauss-Hermite quadrature per expensive objective;
//   - the front is that of the unpenalised Ok trials plus the archs asked but not told yet at
//     their predicted means ("Kriging believer"), so a round of asks spreads out;
//   - candidates are only those the cheap metrics call feasible: the whole space when it has
//     at most `pool` archs (NB201: all 15,625), else `pool` fresh random samples plus every
//     neighbour of the front, drawn anew at each ask.
// Candidates whose optimistic point (mean + 3 std) is dominated by the front are skipped
// without computing their EHVI. When no candidate can improve the front the most uncertain
// one is taken. With one objective EHVI is the classic expected improvement.
//
// Parameters: init (default 10), pool (default 20000), trees (default 20).
//
//   search::PredictorSearch s(problem, /*seed=*/1, {{"init", 20}});
#include <optional>
#include <unordered_set>
#include <vector>

#include "hwnas/search/forest.h"
#include "hwnas/search/strategy_base.h"

namespace hwnas::search {

class PredictorSearch : public StrategyBase {
 public:
  PredictorSearch(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "predictor"; }

 protected:
  std::optional<space::Arch> propose() override;
  void learn(const Trial& trial) override;

 private:
  struct Candidate {
    space::Arch arch;
    Point known;  // cheap objective values (expensive slots unused)
  };
  std::optional<Candidate> candidate(const space::Arch& a);
  const std::vector<Candidate>& candidates();  // fresh feasible candidates, in pool_cache_
  void fit();
  // Mean and std of every objective of a candidate (std 0 for cheap ones).
  void belief(const Candidate& c, Point& mean, Point& stddev) const;

  int init_, pool_;
  Forest::Options forest_options_;
  std::vector<bool> is_cheap_;                 // per objective, decided on the first candidate
  std::vector<std::optional<Forest>> models_;  // per expensive objective
  bool stale_ = true;                          // trials told since the last fit
  bool whole_space_ = false;                   // pool_cache_ holds the whole (unasked) space
  std::vector<Candidate> pool_cache_;
  std::vector<Candidate> pending_;             // asked, not told
};

}  // namespace hwnas::search
