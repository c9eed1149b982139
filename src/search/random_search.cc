#include "hwnas/search/random_search.h"

#include "hwnas/search/params.h"

namespace hwnas::search {

RandomSearch::RandomSearch(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params)
    : StrategyBase(problem, seed) {
  Params("random", params, {});  // rejects any parameter: random has none
}

}  // namespace hwnas::search
