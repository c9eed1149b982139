#include "hwnas/search/evolution.h"

#include <gtest/gtest.h>

#include "search_testing.h"

namespace hwnas::search {
namespace {

using testing::problem;
using testing::ToySpace;

int distance(const space::Arch& a, const space::Arch& b) {
  int d = 0;
  for (size_t i = 0; i < a.choice.size(); ++i) d += a.choice[i] != b.choice[i];
  return d;
}

void tell(RegularizedEvolution& s, const space::Arch& a, double score) {
  Trial t = testing::ok_trial({{"score", score}});
  t.arch = a;
  s.tell(t);
}

TEST(RegularizedEvolution, ChildIsAMutationOfTheTournamentWinnerAndTheOldestDies) {
  ToySpace space(6, 5);
  // Tournaments of 200 draws from 3 members always include the best (miss: (2/3)^200).
  RegularizedEvolution s(problem(space, {{"score", true}}), 7, {{"population", 3}, {"sample_size", 200}});
  std::vector<space::Arch> first = {*s.ask(), *s.ask(), *s.ask()};
  tell(s, first[0], 10);  // the best, and the oldest
  tell(s, first[1], 5);
  tell(s, first[2], 1);
  space::Arch child = *s.ask();
  EXPECT_EQ(distance(child, first[0]), 1);  // one decision changed from the winner
  tell(s, child, 0);
  // Aging: first[0] left the population though it is the best; now first[1] wins.
  space::Arch next = *s.ask();
  EXPECT_EQ(distance(next, first[1]), 1);
}

TEST(RegularizedEvolution, ImprovesOnAUnimodalTable) {
  ToySpace space(8, 4);  // score = number of decisions at choice 3; random archs average 2
  auto p = problem(space, {{"score", true}}, 150);
  RegularizedEvolution s(p, 3, {{"population", 20}, {"sample_size", 5}});
  auto trials = testing::run(
      s, p,
      [](const space::Arch& a) {
        double score = 0;
        for (int c : a.choice) score += c == 3;
        return testing::ok_trial({{"score", score}});
      },
      150);
  double best = 0;
  for (const Trial& t : trials) best = std::max(best, t.metrics.at("score"));
  EXPECT_GE(best, 7);  // random search: P(score >= 7 in 150 samples) ~ 150 * 25 / 4^8 = 6%
}

}  // namespace
}  // namespace hwnas::search
