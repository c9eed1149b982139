#include "hwnas/search/local_search.h"

#include <gtest/gtest.h>

#include "search_testing.h"

namespace hwnas::search {
namespace {

using testing::problem;
using testing::ToySpace;

// Unimodal: score = -sum_d (choice_d - target_d)^2, optimum at target = (4, 0, 2, 3).
Trial unimodal(const space::Arch& a) {
  const int target[4] = {4, 0, 2, 3};
  double s = 0;
  for (int d = 0; d < 4; ++d) s -= (a.choice[d] - target[d]) * (a.choice[d] - target[d]);
  return testing::ok_trial({{"score", s}});
}

TEST(LocalSearch, ReachesTheOptimumOfAUnimodalTable) {
  // 4 decisions x 5 choices (625 archs). From the best of 10 random archs, each climb
  // evaluates at most 16 neighbours and the best neighbour sets the decision with the
  // largest error right, so at most 4 moves reach the optimum: <= 10 + 5 * 16 = 90 trials.
  ToySpace space(4, 5);
  for (uint64_t seed : {1, 2, 3}) {
    auto p = problem(space, {{"score", true}}, 90);
    LocalSearch s(p, seed);
    auto trials = testing::run(s, p, unimodal, 90);
    bool found = false;
    for (const Trial& t : trials) found = found || t.metrics.at("score") == 0;
    EXPECT_TRUE(found) << "seed " << seed;
  }
}

TEST(LocalSearch, RestartsWhenStuck) {
  // Two decisions x 3 choices with a local optimum at (0, 0) and the global one at (2, 2):
  // score 1 at (0,0), 2 at (2,2), 0 elsewhere. Starting from init = 1 random arch, the climb
  // stops at a local optimum and restarts; in 9 archs it must try everything.
  ToySpace space(2, 3);
  auto p = problem(space, {{"score", true}}, 9);
  LocalSearch s(p, 4, {{"init", 1}});
  auto trials = testing::run(
      s, p,
      [](const space::Arch& a) {
        double v = a.choice == std::vector<int>{0, 0} ? 1 : a.choice == std::vector<int>{2, 2} ? 2 : 0;
        return testing::ok_trial({{"score", v}});
      },
      9);
  EXPECT_EQ(trials.size(), 9u);
}

}  // namespace
}  // namespace hwnas::search
