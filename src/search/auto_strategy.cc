#include "hwnas/search/auto_strategy.h"

#include <algorithm>

#include "hwnas/core/error.h"

namespace hwnas::search {

namespace {

// True when the cheap metrics give every objective (checked on the first feasible arch of a
// few fixed samples): then there is nothing for a surrogate to predict.
bool all_objectives_cheap(const SearchProblem& problem) {
  if (!problem.cheap) return false;
  if (!problem.cheap_metrics.empty()) {  // known: no need to find a feasible sample (there may be none)
    for (const Objective& o : problem.objectives)
      if (std::find(problem.cheap_metrics.begin(), problem.cheap_metrics.end(), o.metric) ==
          problem.cheap_metrics.end())
        return false;
    return true;
  }
  Rng rng(0);
  for (int i = 0; i < 20; ++i) {
    auto metrics = problem.cheap(problem.space->sample(rng));
    if (!metrics) continue;
    for (const Objective& o : problem.objectives)
      if (!metrics->count(o.metric)) return false;
    return true;
  }
  return false;
}

}  // namespace

std::string auto_choice(const SearchProblem& problem) {
  if (!problem.space) fail("strategy", "the search problem has no search space");
  if (problem.budget >= problem.space->size()) return "grid";
  if (problem.budget >= 30 && !all_objectives_cheap(problem)) return "predictor";
  return "evolution";
}

AutoStrategy::AutoStrategy(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params)
    : chosen_(auto_choice(problem)) {
  try {
    inner_ = make_strategy({.name = chosen_, .seed = seed, .params = params}, problem);
  } catch (const Error& e) {
    throw Error(e.where(), e.message() + " (strategy auto chose " + chosen_ + " for this problem)");
  }
}

}  // namespace hwnas::search
