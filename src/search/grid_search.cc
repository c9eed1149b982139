#include "hwnas/search/grid_search.h"

#include "hwnas/search/params.h"

namespace hwnas::search {

GridSearch::GridSearch(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params)
    : StrategyBase(problem, seed) {
  Params("grid", params, {});
  next_.choice.assign(space().num_decisions(), 0);
}

bool GridSearch::advance() {
  for (int d = space().num_decisions() - 1; d >= 0; --d) {
    if (++next_.choice[d] < static_cast<int>(space().decisions()[d].choices.size())) return true;
    next_.choice[d] = 0;
  }
  return false;
}

std::optional<space::Arch> GridSearch::propose() {
  while (!done_) {
    space::Arch a = next_;
    done_ = !advance();
    // A tuple with an inactive decision off choice 0 is another spelling of a canonical arch.
    if (space().canonical(a) == a && is_fresh(a)) return a;
  }
  return std::nullopt;
}

}  // namespace hwnas::search
