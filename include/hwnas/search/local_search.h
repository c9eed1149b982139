#pragma once
// Local search over neighbours, as in White, Nolen, Savani ("Exploring the Loss Landscape in
// Neural Architecture Search", UAI 2021), which found this simple method competitive on
// NAS-Bench-201: after `init` random architectures, start from the best one, evaluate all of
// its neighbours (archs one decision away; SearchSpace::neighbours), move to the best
// neighbour if it improves on the current arch, and when no neighbour does (a local optimum)
// restart from a fresh random arch.
//
// "Best" is a scalar: with one objective its value; with several, an augmented-free
// Chebyshev scalarisation  -max_k w_k * c_k  where c_k is objective k as a cost normalised to
// [0, 1] over the Ok trials so far and the weights w are drawn uniformly from the simplex at
// every restart, so successive climbs aim at different parts of the front (as ParEGO does).
// A soft-constraint penalty is subtracted from the scalar.
// While neighbours are still being evaluated and ask() is called again with none left to
// propose, it returns fresh random archs (useful exploration instead of idling).
//
// Parameters: init (default 10).
//
//   search::LocalSearch s(problem, /*seed=*/1, {{"init", 1}});
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "hwnas/search/strategy_base.h"

namespace hwnas::search {

class LocalSearch : public StrategyBase {
 public:
  LocalSearch(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "local"; }

 protected:
  std::optional<space::Arch> propose() override;
  void learn(const Trial& trial) override;

 private:
  // Scalars of the given Ok trials under the current weights and normalisation.
  std::vector<double> scores(const std::vector<size_t>& trial_indices) const;
  void move_to(size_t trial_index);  // make it current and queue its fresh neighbours
  void draw_weights();

  int init_;
  std::vector<double> weights_;
  std::optional<size_t> current_;                                  // index into trials()
  std::optional<space::Arch> restart_;                             // asked as a restart point, not told yet
  std::deque<space::Arch> queue_;                                  // neighbours of current_ still to ask
  std::unordered_set<space::Arch, space::ArchHash> pending_;       // neighbours asked, not told
  std::unordered_map<space::Arch, size_t, space::ArchHash> told_;  // arch -> index in trials()
};

}  // namespace hwnas::search
