#include "hwnas/search/strategy_base.h"

#include <algorithm>

#include "hwnas/core/error.h"

namespace hwnas::search {
namespace {

// Random samples tried before a small space is enumerated to find what is left.
constexpr int kSampleTries = 200;
// Spaces up to this size are enumerated when sampling stops finding fresh archs.
constexpr double kEnumerateLimit = 2e6;
// Random samples tried once sampling has failed (the region is sparse: walk sooner).
constexpr int kSparseSampleTries = 10;
// walk_to_feasible: samples it starts from the nearest of, and mutation steps it may take.
constexpr int kWalkStarts = 20;
constexpr int kWalkSteps = 2000;

}  // namespace

StrategyBase::StrategyBase(const SearchProblem& problem, uint64_t seed) : problem_(problem), rng_(seed) {
  if (!problem_.space) fail("strategy", "the search problem has no search space");
  if (problem_.objectives.empty()) fail("strategy", "the search problem has no objectives");
}

std::optional<space::Arch> StrategyBase::ask() {
  std::optional<space::Arch> a = propose();
  if (!a) return std::nullopt;
  if (!is_fresh(*a))  // a bug in a strategy, never the user's input
    fail("strategy " + name(), "proposed {} which was asked before or is infeasible", space().to_string(*a));
  asked_.insert(*a);
  return a;
}

void StrategyBase::tell(const Trial& trial) {
  if (!asked(trial.arch))
    fail(fmt::format("trial {} ({})", trial.id, trial.arch_str), "was not asked by strategy {}", name());
  trials_.push_back(trial);
  learn(trials_.back());
}

std::optional<std::map<std::string, double>> StrategyBase::cheap(const space::Arch& a) const {
  if (!problem_.cheap) return std::map<std::string, double>{};
  return problem_.cheap(a);
}

bool StrategyBase::is_fresh(const space::Arch& a) const { return !asked(a) && cheap(a).has_value(); }

std::optional<space::Arch> StrategyBase::random_fresh() {
  if (!remaining_) {
    for (int i = 0; i < (sampling_fails_ ? kSparseSampleTries : kSampleTries); ++i) {
      space::Arch a = space().sample(rng_);
      if (is_fresh(a)) return a;
    }
    sampling_fails_ = true;
    if (space().size() > kEnumerateLimit) return walk_to_feasible();
    remaining_ = space().enumerate(static_cast<size_t>(kEnumerateLimit));
  }
  // Drop what was asked or is infeasible, keeping the enumeration order, then pick uniformly.
  std::erase_if(*remaining_, [&](const space::Arch& a) { return !is_fresh(a); });
  if (remaining_->empty()) return std::nullopt;
  return (*remaining_)[rng_.uniform_int(static_cast<int>(remaining_->size()))];
}

std::optional<space::Arch> StrategyBase::walk_to_feasible() {
  if (!problem_.infeasibility) return std::nullopt;
  space::Arch at = space().sample(rng_);
  double excess = problem_.infeasibility(at);
  for (int i = 1; i < kWalkStarts; ++i) {
    space::Arch a = space().sample(rng_);
    if (const double e = problem_.infeasibility(a); e < excess) {
      at = std::move(a);
      excess = e;
    }
  }
  for (int step = 0; step < kWalkSteps; ++step) {
    if (excess == 0 && !asked(at)) return at;
    space::Arch next = space().mutate(at, rng_);
    if (const double e = problem_.infeasibility(next); e <= excess) {  // sideways too: plateaus and the feasible region
      at = std::move(next);
      excess = e;
    }
  }
  return std::nullopt;
}

std::optional<space::Arch> StrategyBase::fresh_mutation(const space::Arch& parent, int tries) {
  for (int i = 0; i < tries; ++i) {
    space::Arch a = space().mutate(parent, rng_);
    if (is_fresh(a)) return a;
  }
  return std::nullopt;
}

Point StrategyBase::point(const Trial& trial) const {
  Trial filled = trial;
  bool missing = false;
  for (const Objective& o : objectives()) missing = missing || !trial.metrics.count(o.metric);
  if (missing)
    if (auto c = cheap(trial.arch))
      for (const auto& [k, v] : *c) filled.metrics.emplace(k, v);
  return objective_point(filled, objectives());
}

std::vector<int> StrategyBase::ranks(const std::vector<size_t>& trial_indices, std::vector<Point>* points) const {
  std::vector<Point> pts;
  std::vector<size_t> clean, penalised;  // positions in trial_indices
  for (size_t i = 0; i < trial_indices.size(); ++i) {
    const Trial& t = trials_[trial_indices[i]];
    pts.push_back(point(t));
    (t.penalty > 0 ? penalised : clean).push_back(i);
  }
  std::vector<int> rank(trial_indices.size(), 0);
  std::vector<Point> clean_pts;
  for (size_t i : clean) clean_pts.push_back(pts[i]);
  auto fronts = non_dominated_sort(clean_pts, objectives());
  for (size_t f = 0; f < fronts.size(); ++f)
    for (size_t j : fronts[f]) rank[clean[j]] = static_cast<int>(f);
  std::stable_sort(penalised.begin(), penalised.end(), [&](size_t a, size_t b) {
    return trials_[trial_indices[a]].penalty < trials_[trial_indices[b]].penalty;
  });
  for (size_t r = 0; r < penalised.size(); ++r) rank[penalised[r]] = static_cast<int>(fronts.size() + r);
  if (points) *points = std::move(pts);
  return rank;
}

}  // namespace hwnas::search
