#include "hwnas/search/auto_strategy.h"

#include "hwnas/core/error.h"

namespace hwnas::search {

std::string auto_choice(const SearchProblem& problem) {
  if (!problem.space) fail("strategy", "the search problem has no search space");
  if (problem.budget >= problem.space->size()) return "grid";
  if (problem.budget >= 30) return "predictor";
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
