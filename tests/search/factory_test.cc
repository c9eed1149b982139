#include "hwnas/search/factory.h"

#include <gtest/gtest.h>

#include "hwnas/search/auto_strategy.h"
#include "search_testing.h"

namespace hwnas::search {
namespace {

using testing::config;
using testing::problem;
using testing::ToySpace;

TEST(Factory, BuildsEveryStrategyByName) {
  ToySpace space(3, 3);
  SearchProblem p = problem(space, {{"score", true}}, 10);
  EXPECT_EQ(strategy_names(), (std::vector<std::string>{"auto", "random", "grid", "evolution", "nsga2", "reinforce",
                                                        "local", "predictor"}));
  for (const std::string& name : strategy_names()) {
    auto s = make_strategy(config(name, 1), p);
    EXPECT_EQ(s->name(), name);
    EXPECT_TRUE(s->ask().has_value()) << name;
  }
}

TEST(Factory, UnknownStrategyOrParameterIsNamed) {
  ToySpace space(3, 3);
  SearchProblem p = problem(space, {{"score", true}});
  EXPECT_HWNAS_ERROR(make_strategy(config("evolve"), p),
                     "strategy.name: unknown strategy 'evolve' (strategies: auto, random, grid");
  EXPECT_HWNAS_ERROR(make_strategy(config("nsga2", 0, {{"pop", 4}}), p),
                     "strategy.pop: unknown parameter of strategy nsga2 (valid: population, crossover)");
  // auto passes parameters on and says which strategy it chose (27 archs, budget 10).
  p.budget = 10;
  EXPECT_HWNAS_ERROR(make_strategy(config("auto", 0, {{"pop", 4}}), p),
                     "unknown parameter of strategy evolution (valid: population, sample_size) "
                     "(strategy auto chose evolution for this problem)");
  SearchProblem no_objectives = problem(space, {});
  EXPECT_HWNAS_ERROR(make_strategy(config("random"), no_objectives), "no objectives");
  SearchProblem no_space = problem(space, {{"a", true}});
  no_space.space = nullptr;
  EXPECT_HWNAS_ERROR(make_strategy(config("random"), no_space), "no search space");
}

TEST(Factory, AutoRule) {
  ToySpace small(3, 3);  // 27 archs
  ToySpace large(8, 5);  // 390,625 archs
  const std::vector<Objective> obj = {{"score", true}};
  EXPECT_EQ(auto_choice(problem(small, obj, 27)), "grid");
  EXPECT_EQ(auto_choice(problem(small, obj, 26)), "evolution");
  EXPECT_EQ(auto_choice(problem(large, obj, 300)), "predictor");
  EXPECT_EQ(auto_choice(problem(large, obj, 29)), "evolution");
  // Every objective cheap: nothing to predict.
  SearchProblem all_cheap = problem(large, obj, 300);
  all_cheap.cheap = [](const space::Arch& a) -> std::optional<std::map<std::string, double>> {
    return std::map<std::string, double>{{"score", double(a.choice[0])}};
  };
  EXPECT_EQ(auto_choice(all_cheap), "evolution");
  SearchProblem some_cheap = all_cheap;
  some_cheap.objectives.push_back({"accuracy", true});
  EXPECT_EQ(auto_choice(some_cheap), "predictor");
  // Limits that no random sample meets: the cheap metrics' names still say all is cheap.
  SearchProblem tight = all_cheap;
  tight.cheap = [](const space::Arch&) -> std::optional<std::map<std::string, double>> { return std::nullopt; };
  EXPECT_EQ(auto_choice(tight), "predictor");  // found by sampling: nothing feasible to look at
  tight.cheap_metrics = {"score"};
  EXPECT_EQ(auto_choice(tight), "evolution");
  tight.cheap_metrics = {"latency"};
  EXPECT_EQ(auto_choice(tight), "predictor");
  AutoStrategy s(problem(large, obj, 300), 1);
  EXPECT_EQ(s.chosen(), "predictor");
  EXPECT_EQ(s.name(), "auto");
}

}  // namespace
}  // namespace hwnas::search
