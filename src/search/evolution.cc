#include "hwnas/search/evolution.h"

#include "hwnas/search/params.h"

namespace hwnas::search {

RegularizedEvolution::RegularizedEvolution(const SearchProblem& problem, uint64_t seed,
                                           const std::map<std::string, double>& params)
    : StrategyBase(problem, seed) {
  Params p("evolution", params,
           {{"population", 50, 2, 1e6, "archs kept alive; the oldest dies"},
            {"sample_size", 10, 1, 1e6, "tournament size"}});
  population_size_ = p.integer("population");
  sample_size_ = p.integer("sample_size");
}

std::optional<space::Arch> RegularizedEvolution::propose() {
  if (static_cast<int>(population_.size()) < population_size_) return random_fresh();
  // Tournament: sample_size members with replacement, as in Real et al.
  std::vector<size_t> sample;
  for (int i = 0; i < sample_size_; ++i)
    sample.push_back(population_[rng().uniform_int(static_cast<int>(population_.size()))]);
  std::vector<int> rank = ranks(sample);
  std::vector<size_t> winners;
  for (size_t i = 0; i < sample.size(); ++i)
    if (rank[i] == 0) winners.push_back(sample[i]);
  const Trial& parent = trials()[winners[rng().uniform_int(static_cast<int>(winners.size()))]];
  if (auto child = fresh_mutation(parent.arch)) return child;
  return random_fresh();  // every neighbour of the parent was seen: explore instead
}

void RegularizedEvolution::learn(const Trial& trial) {
  if (trial.status != TrialStatus::Ok) return;  // failed or infeasible archs do not breed
  population_.push_back(trials().size() - 1);
  if (static_cast<int>(population_.size()) > population_size_) population_.pop_front();
}

}  // namespace hwnas::search
