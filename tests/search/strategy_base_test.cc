// Properties every strategy shares (they come from StrategyBase), checked on each of them.
#include "hwnas/search/strategy_base.h"

#include <numeric>
#include <set>

#include <gtest/gtest.h>

#include "search_testing.h"

namespace hwnas::search {
namespace {

using testing::config;
using testing::problem;
using testing::run;
using testing::ToySpace;

// A score that depends on every decision, and a latency, so both kinds of strategy learn.
Trial evaluate_toy(const space::Arch& a) {
  double score = 0, lat = 1;
  for (size_t d = 0; d < a.choice.size(); ++d) score += (d + 1) * a.choice[d], lat += a.choice[d] * a.choice[d];
  return testing::ok_trial({{"score", score}, {"lat", lat}});
}

class EveryStrategy : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryStrategy, ExhaustsASmallSpaceWithoutDuplicates) {
  ToySpace space(3, 3);  // 27 archs
  SearchProblem p = problem(space, {{"score", true}, {"lat", false}}, 100);
  auto s = make_strategy(config(GetParam(), 3), p);
  auto trials = run(*s, p, evaluate_toy, 100);
  std::set<space::Arch> seen;
  for (const Trial& t : trials) EXPECT_TRUE(seen.insert(t.arch).second) << space.to_string(t.arch);
  EXPECT_EQ(trials.size(), 27u);  // every arch once, then ask() says there is nothing left
  EXPECT_FALSE(s->ask().has_value());
}

TEST_P(EveryStrategy, DeterministicBySeed) {
  ToySpace space(5, 4);
  SearchProblem p = problem(space, {{"score", true}, {"lat", false}}, 40);
  auto archs = [&](uint64_t seed) {
    auto s = make_strategy(config(GetParam(), seed), p);
    std::vector<space::Arch> out;
    for (const Trial& t : run(*s, p, evaluate_toy, 40)) out.push_back(t.arch);
    return out;
  };
  EXPECT_EQ(archs(5), archs(5));
  if (GetParam() != "grid") {  // grid has a fixed order
    EXPECT_NE(archs(5), archs(6));
  }
}

TEST_P(EveryStrategy, FailedAndInfeasibleTrialsAreNeverReproposed) {
  ToySpace space(4, 3);  // 81 archs
  // Cheap metrics reject archs whose first decision is 2 (27 archs); the evaluation fails on
  // those whose second decision is 1 (18 of the remaining 54).
  SearchProblem p = problem(space, {{"score", true}, {"lat", false}}, 100);
  p.cheap = [](const space::Arch& a) -> std::optional<std::map<std::string, double>> {
    if (a.choice[0] == 2) return std::nullopt;
    return std::map<std::string, double>{};
  };
  auto evaluate = [](const space::Arch& a) {
    Trial t = evaluate_toy(a);
    if (a.choice[1] == 1) t.status = TrialStatus::Failed, t.error = "table has no row", t.metrics.clear();
    return t;
  };
  auto s = make_strategy(config(GetParam(), 1), p);
  auto trials = run(*s, p, evaluate, 100);
  std::set<space::Arch> seen;
  int failed = 0;
  for (const Trial& t : trials) {
    EXPECT_TRUE(seen.insert(t.arch).second);
    EXPECT_NE(t.arch.choice[0], 2) << "asked an arch the cheap metrics reject";
    failed += t.status == TrialStatus::Failed;
  }
  EXPECT_EQ(trials.size(), 54u);
  EXPECT_EQ(failed, 18);
}

TEST_P(EveryStrategy, WalksIntoAFeasibleRegionTooSmallToSample) {
  // 4^20 = 1.1e12 archs, too many to enumerate; the cheap limit "sum of choices <= 3" keeps
  // 1,771 of them (1 + 20 + 210 + 1540 with sum 0, 1, 2, 3): a random sample hits one with
  // probability 1.6e-9, so without a measure of infeasibility a search gets no candidate.
  ToySpace space(20, 4);
  const auto sum = [](const space::Arch& a) { return std::accumulate(a.choice.begin(), a.choice.end(), 0); };
  SearchProblem p = problem(space, {{"score", true}, {"lat", false}}, 30);
  p.cheap = [&](const space::Arch& a) -> std::optional<std::map<std::string, double>> {
    if (sum(a) > 3) return std::nullopt;
    return std::map<std::string, double>{};
  };
  if (GetParam() == "random") {
    EXPECT_FALSE(make_strategy(config(GetParam(), 2), p)->ask().has_value());
  }
  p.infeasibility = [&](const space::Arch& a) { return std::max(0, sum(a) - 3) / 3.0; };
  auto s = make_strategy(config(GetParam(), 2), p);
  const auto trials = run(*s, p, evaluate_toy, 30);
  EXPECT_EQ(trials.size(), 30u);
  std::set<space::Arch> seen;
  for (const Trial& t : trials) {
    EXPECT_LE(sum(t.arch), 3) << space.to_string(t.arch);
    EXPECT_TRUE(seen.insert(t.arch).second);
  }
}

INSTANTIATE_TEST_SUITE_P(Search, EveryStrategy,
                         ::testing::Values("random", "grid", "evolution", "nsga2", "reinforce", "local", "predictor",
                                           "auto"));

TEST(StrategyBase, TellOfAnArchNeverAskedIsAnError) {
  ToySpace space(2, 2);
  SearchProblem p = problem(space, {{"score", true}});
  auto s = make_strategy(config("random"), p);
  Trial t = testing::ok_trial({{"score", 1}});
  t.id = 4;
  t.arch_str = "d0=1,d1=1";
  t.arch.choice = {1, 1};
  EXPECT_HWNAS_ERROR(s->tell(t), "trial 4 (d0=1,d1=1): was not asked by strategy random");
}

TEST(StrategyBase, OkTrialWithoutAnObjectiveIsAnError) {
  ToySpace space(2, 2);
  SearchProblem p = problem(space, {{"score", true}, {"lat", false}});
  auto s = make_strategy(config("evolution", 0, {{"population", 2}}), p);
  std::vector<space::Arch> asked = {*s->ask(), *s->ask()};
  Trial t = testing::ok_trial({{"score", 1}});
  t.arch = asked[0];
  s->tell(t);
  t.arch = asked[1];
  s->tell(t);
  EXPECT_HWNAS_ERROR(s->ask(), "has no value for objective 'lat'");
}

}  // namespace
}  // namespace hwnas::search
