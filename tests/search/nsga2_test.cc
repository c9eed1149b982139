#include "hwnas/search/nsga2.h"

#include <gtest/gtest.h>

#include "search_testing.h"

namespace hwnas::search {
namespace {

using testing::problem;
using testing::ToySpace;

TEST(Nsga2, EnvironmentalSelectionByFrontThenCrowding) {
  ToySpace space(4, 4);
  Nsga2 s(problem(space, {{"acc", true}, {"lat", false}}), 1, {{"population", 3}});
  // Generation 0 (random) and its 3 children, as (accuracy, latency):
  //   0 (90,10)  1 (80,5)  2 (85,20)  |  3 (95,40)  4 (88,8)  5 (70,30)
  // Front 0 = {0, 1, 3, 4}: (85,20) and (70,30) are dominated by (90,10). Four points for three
  // places: crowding distance. Accuracy sorted 80 88 90 95 (range 15), latency 5 8 10 40
  // (range 35): 1 and 3 are boundaries (inf); 0: (95-88)/15 + (40-8)/35 = 1.381;
  // 4: (90-80)/15 + (10-5)/35 = 0.810. Parents: 1, 3 (boundaries, in front order) then 0.
  const std::vector<std::pair<double, double>> results = {{90, 10}, {80, 5}, {85, 20}, {95, 40}, {88, 8}, {70, 30}};
  for (size_t i = 0; i < results.size(); ++i) {
    auto a = s.ask();
    ASSERT_TRUE(a.has_value());
    Trial t = testing::ok_trial({{"acc", results[i].first}, {"lat", results[i].second}});
    t.arch = *a;
    s.tell(t);
    if (i == 2) {  // generation 0 alone: F0 = {0, 1} (both boundaries), then F1 = {2}
      EXPECT_EQ(s.parents(), (std::vector<size_t>{0, 1, 2}));
    }
  }
  EXPECT_EQ(s.parents(), (std::vector<size_t>{1, 3, 0}));
}

TEST(Nsga2, ChildrenMixTheirParents) {
  // After the first generation every child differs from some parent in few decisions: it is
  // a crossover of two parents plus about one mutation, never a fresh random arch while
  // fresh children exist (16 decisions x 4 choices: collisions are negligible).
  ToySpace space(16, 4);
  Nsga2 s(problem(space, {{"acc", true}}), 2, {{"population", 4}, {"crossover", 0}});
  std::vector<space::Arch> parents;
  for (int i = 0; i < 4; ++i) {
    parents.push_back(*s.ask());
    Trial t = testing::ok_trial({{"acc", double(i)}});
    t.arch = parents.back();
    s.tell(t);
  }
  for (int i = 0; i < 4; ++i) {
    space::Arch child = *s.ask();
    int nearest = 16;
    for (const auto& p : parents) {
      int diff = 0;
      for (int d = 0; d < 16; ++d) diff += p.choice[d] != child.choice[d];
      nearest = std::min(nearest, diff);
    }
    EXPECT_LE(nearest, 4) << "child " << i << " is not a mutation of a parent";
    Trial t = testing::ok_trial({{"acc", 0}});
    t.arch = child;
    s.tell(t);
  }
}

}  // namespace
}  // namespace hwnas::search
