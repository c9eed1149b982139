#include "hwnas/search/factory.h"

#include <functional>

#include "hwnas/core/error.h"
#include "hwnas/search/auto_strategy.h"
#include "hwnas/search/evolution.h"
#include "hwnas/search/grid_search.h"
#include "hwnas/search/local_search.h"
#include "hwnas/search/nsga2.h"
#include "hwnas/search/predictor.h"
#include "hwnas/search/random_search.h"
#include "hwnas/search/reinforce.h"

namespace hwnas::search {
namespace {

using Params = std::map<std::string, double>;
using Maker = std::function<std::unique_ptr<Strategy>(const SearchProblem&, uint64_t, const Params&)>;

template <typename S>
Maker maker() {
  return
      [](const SearchProblem& p, uint64_t seed, const Params& params) { return std::make_unique<S>(p, seed, params); };
}

// In the order `hwnas` lists them.
const std::vector<std::pair<std::string, Maker>>& registry() {
  static const std::vector<std::pair<std::string, Maker>> r = {
      {"auto", maker<AutoStrategy>()}, {"random", maker<RandomSearch>()},
      {"grid", maker<GridSearch>()},   {"evolution", maker<RegularizedEvolution>()},
      {"nsga2", maker<Nsga2>()},       {"reinforce", maker<Reinforce>()},
      {"local", maker<LocalSearch>()}, {"predictor", maker<PredictorSearch>()},
  };
  return r;
}

}  // namespace

std::vector<std::string> strategy_names() {
  std::vector<std::string> names;
  for (const auto& [name, make] : registry()) names.push_back(name);
  return names;
}

std::unique_ptr<Strategy> make_strategy(const StrategyConfig& config, const SearchProblem& problem) {
  for (const auto& [name, make] : registry())
    if (name == config.name) return make(problem, config.seed, config.params);
  std::string names;
  for (const std::string& n : strategy_names()) names += (names.empty() ? "" : ", ") + n;
  fail("strategy.name", "unknown strategy '{}' (strategies: {})", config.name, names);
}

}  // namespace hwnas::search
