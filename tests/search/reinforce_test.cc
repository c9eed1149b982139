#include "hwnas/search/reinforce.h"

#include <cmath>

#include <gtest/gtest.h>

#include "search_testing.h"

namespace hwnas::search {
namespace {

using testing::problem;
using testing::ToySpace;

Trial result(const space::Arch& a, double acc, double lat) {
  Trial t = testing::ok_trial({{"acc", acc}, {"lat", lat}});
  t.arch = a;
  return t;
}

TEST(Reinforce, MnasNetRewardByHand) {
  ToySpace space(3, 3);
  auto p = problem(space, {{"acc", true}, {"lat", false}});
  Reinforce soft(p, 1, {{"target", 10}});
  space::Arch a = *soft.ask();
  // Soft, w = -0.07: 0.8 * (20/10)^-0.07 = 0.8 * 0.952638 = 0.762110; at LAT = T: 0.8.
  EXPECT_NEAR(soft.reward(result(a, 0.8, 20)), 0.8 * std::pow(2.0, -0.07), 1e-12);
  EXPECT_NEAR(soft.reward(result(a, 0.8, 20)), 0.762110, 1e-6);
  EXPECT_DOUBLE_EQ(soft.reward(result(a, 0.8, 10)), 0.8);
  // Hard: w = 0 at or below T (0.8), -1 above: 0.8 * (20/10)^-1 = 0.4.
  Reinforce hard(p, 1, {{"target", 10}, {"hard", 1}});
  EXPECT_DOUBLE_EQ(hard.reward(result(a, 0.8, 5)), 0.8);
  EXPECT_DOUBLE_EQ(hard.reward(result(a, 0.8, 20)), 0.4);
  // Failed trials get 0; a soft-constraint penalty is subtracted.
  Trial failed = result(a, 0.8, 5);
  failed.status = TrialStatus::Failed;
  EXPECT_EQ(hard.reward(failed), 0);
  Trial penalised = result(a, 0.8, 5);
  penalised.penalty = 0.3;
  EXPECT_NEAR(hard.reward(penalised), 0.5, 1e-12);
}

TEST(Reinforce, DefaultTargetIsTheMedianCheapLatency) {
  ToySpace space(1, 9);  // latency = choice index: 0..8, median 4
  auto p = problem(space, {{"acc", true}, {"lat", false}});
  p.cheap = [](const space::Arch& a) -> std::optional<std::map<std::string, double>> {
    return std::map<std::string, double>{{"lat", double(a.choice[0])}};
  };
  Reinforce s(p, 3);
  ASSERT_TRUE(s.target().has_value());
  EXPECT_NEAR(*s.target(), 4, 1);  // median of 200 uniform draws from 0..8
}

TEST(Reinforce, LearnsATriviallySeparableReward) {
  // 6 decisions x 4 choices; the reward counts decisions at choice 2. Each decision's policy
  // starts uniform (p = 0.25) and must learn that choice 2 pays.
  ToySpace space(6, 4);
  auto p = problem(space, {{"acc", true}}, 250);
  Reinforce s(p, 5);
  testing::run(
      s, p,
      [](const space::Arch& a) {
        double r = 0;
        for (int c : a.choice) r += c == 2;
        return testing::ok_trial({{"acc", r}});
      },
      250);
  for (int d = 0; d < 6; ++d) EXPECT_GT(s.probabilities(d)[2], 0.6) << "decision " << d;
}

TEST(Reinforce, ParameterErrors) {
  ToySpace space(2, 2);
  auto p = problem(space, {{"acc", true}});
  EXPECT_HWNAS_ERROR((Reinforce(p, 0, {{"w", 0.5}})), "strategy.w: 0.5 is out of range for reinforce");
  EXPECT_HWNAS_ERROR((Reinforce(p, 0, {{"hard", 2}})), "strategy.hard");
  EXPECT_HWNAS_ERROR((Reinforce(p, 0, {{"T", 2}})), "unknown parameter of strategy reinforce (valid: target, w");
}

}  // namespace
}  // namespace hwnas::search
