#include "hwnas/search/nsga2.h"

#include <algorithm>
#include <numeric>

#include "hwnas/search/params.h"

namespace hwnas::search {

Nsga2::Nsga2(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params)
    : StrategyBase(problem, seed) {
  Params p("nsga2", params,
           {{"population", 20, 2, 1e6, "parents per generation and children per generation"},
            {"crossover", 0.9, 0, 1, "probability that a child mixes two parents"}});
  population_size_ = p.integer("population");
  crossover_ = p.number("crossover");
}

size_t Nsga2::tournament() {
  size_t a = rng().uniform_int(static_cast<int>(parents_.size()));
  size_t b = rng().uniform_int(static_cast<int>(parents_.size()));
  if (parent_rank_[a] != parent_rank_[b]) return parent_rank_[a] < parent_rank_[b] ? a : b;
  return parent_crowd_[a] >= parent_crowd_[b] ? a : b;
}

space::Arch Nsga2::child_of(const space::Arch& a, const space::Arch& b) {
  space::Arch child = a;
  if (rng().bernoulli(crossover_))
    for (size_t d = 0; d < child.choice.size(); ++d)
      if (rng().bernoulli(0.5)) child.choice[d] = b.choice[d];
  const int n = space().num_decisions();
  for (int d = 0; d < n; ++d) {
    const int k = static_cast<int>(space().decisions()[d].choices.size());
    if (k > 1 && rng().bernoulli(1.0 / n)) child.choice[d] = (child.choice[d] + 1 + rng().uniform_int(k - 1)) % k;
  }
  return space().canonical(child);
}

std::optional<space::Arch> Nsga2::propose() {
  if (parents_.empty()) return random_fresh();  // first generation, or nothing Ok yet
  const Trial& a = trials()[parents_[tournament()]];
  const Trial& b = trials()[parents_[tournament()]];
  space::Arch child = child_of(a.arch, b.arch);
  if (is_fresh(child)) return child;
  if (auto m = fresh_mutation(child)) return m;
  return random_fresh();
}

void Nsga2::select_next_parents() {
  std::vector<size_t> pool = parents_;
  pool.insert(pool.end(), children_.begin(), children_.end());
  children_.clear();
  children_told_ = 0;
  std::vector<Point> pts;
  std::vector<int> rank = ranks(pool, &pts);
  int max_rank = rank.empty() ? -1 : *std::max_element(rank.begin(), rank.end());
  parents_.clear();
  parent_rank_.clear();
  parent_crowd_.clear();
  for (int r = 0; r <= max_rank && static_cast<int>(parents_.size()) < population_size_; ++r) {
    std::vector<size_t> front;  // positions in pool
    for (size_t i = 0; i < pool.size(); ++i)
      if (rank[i] == r) front.push_back(i);
    std::vector<double> crowd = crowding_distance(pts, front);
    std::vector<size_t> order(front.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return crowd[x] > crowd[y]; });
    for (size_t o : order) {
      if (static_cast<int>(parents_.size()) == population_size_) break;
      parents_.push_back(pool[front[o]]);
      parent_rank_.push_back(r);
      parent_crowd_.push_back(crowd[o]);
    }
  }
}

void Nsga2::learn(const Trial& trial) {
  ++children_told_;
  if (trial.status == TrialStatus::Ok) children_.push_back(trials().size() - 1);
  if (children_told_ >= population_size_) select_next_parents();
}

}  // namespace hwnas::search
