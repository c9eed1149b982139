#pragma once
// search::StrategyBase: what every built-in strategy shares, so each one only writes how it
// proposes and how it learns:
//   - ask() never returns an architecture that was asked before (nor one that the cheap
//     metrics call infeasible), and it is always canonical;
//   - tell() records every trial (Ok, Failed, Infeasible) before the strategy learns from it;
//   - the objective point of a trial (with cheap metrics filled in when the trial lacks them);
//   - fresh random samples and mutations, falling back to enumeration in small spaces so that
//     "nothing left" is detected exactly.
//
//   class MyStrategy : public search::StrategyBase {
//     std::optional<space::Arch> propose() override { return random_fresh(); }
//     void learn(const search::Trial& t) override { ... }
//   };
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/search/factory.h"
#include "hwnas/search/pareto.h"
#include "hwnas/search/strategy.h"

namespace hwnas::search {

class StrategyBase : public Strategy {
 public:
  // Throws hwnas::Error if the problem has no space or no objectives.
  StrategyBase(const SearchProblem& problem, uint64_t seed);

  std::optional<space::Arch> ask() final;
  void tell(const Trial& trial) final;

 protected:
  // The next fresh architecture (is_fresh() must hold) or nullopt when there is none.
  virtual std::optional<space::Arch> propose() = 0;
  // Called by tell() after the trial has been recorded in trials().
  virtual void learn(const Trial& trial) = 0;

  const space::SearchSpace& space() const { return *problem_.space; }
  const std::vector<Objective>& objectives() const { return problem_.objectives; }
  const SearchProblem& problem() const { return problem_; }
  Rng& rng() { return rng_; }
  const std::vector<Trial>& trials() const { return trials_; }

  bool asked(const space::Arch& a) const { return asked_.count(a) > 0; }
  size_t asked_count() const { return asked_.size(); }
  // Not asked yet and feasible by the cheap metrics (if there are any).
  bool is_fresh(const space::Arch& a) const;
  // Cheap metrics of a (empty map without a CheapEval); nullopt: infeasible.
  std::optional<std::map<std::string, double>> cheap(const space::Arch& a) const;

  // A uniformly random fresh architecture, or nullopt when every feasible one was asked.
  // When the hard limits leave too little to sample (200 random samples all fail) in a space
  // too large to enumerate, it walks there instead (walk_to_feasible): no longer uniform, but a
  // search under a tight budget gets candidates instead of stopping with none.
  std::optional<space::Arch> random_fresh();
  // From the sample nearest to feasibility, a greedy walk of single mutations that never moves
  // farther (SearchProblem::infeasibility), then on through the feasible region to a fresh
  // architecture. nullopt without an infeasibility measure or after 2000 steps.
  std::optional<space::Arch> walk_to_feasible();
  // A fresh architecture one active decision away from parent, tried `tries` times.
  std::optional<space::Arch> fresh_mutation(const space::Arch& parent, int tries = 50);

  // The objective values of an Ok trial (objective metrics it lacks come from cheap()).
  Point point(const Trial& trial) const;
  // NSGA-II ranks of the given Ok trials under Deb's constrained domination: trials without a
  // soft-constraint penalty are ranked by non-dominated sorting (0 = front); penalised trials
  // come after all of them, ordered by penalty. Returns one rank per index, and the points.
  std::vector<int> ranks(const std::vector<size_t>& trial_indices, std::vector<Point>* points = nullptr) const;

 private:
  SearchProblem problem_;
  Rng rng_;
  std::unordered_set<space::Arch, space::ArchHash> asked_;
  std::vector<Trial> trials_;
  // Every feasible architecture not asked yet, built on first need in small spaces.
  std::optional<std::vector<space::Arch>> remaining_;
  // Sampling found nothing fresh once: later calls try a few samples only, then walk.
  bool sampling_fails_ = false;
};

}  // namespace hwnas::search
