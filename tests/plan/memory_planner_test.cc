// Greedy and linear arena planners against hand-placed buffers, and the invariants of any
// plan (no overlap of buffers live together; lower bound <= greedy <= linear) on seeded
// random buffers.
#include "hwnas/plan/memory_planner.h"

#include <gtest/gtest.h>

#include "cost/planner_testing.h"
#include "hwnas/core/rng.h"
#include "hwnas/plan/greedy_planner.h"
#include "hwnas/plan/linear_planner.h"
#include "testing.h"

namespace hwnas::plan {
namespace {

using testing::buf;
using testing::lower_bound;

TEST(MemoryPlanner, RandomBuffersGiveValidPlansBetweenTheBounds) {
  Rng rng(2024);
  for (int trial = 0; trial < 200; ++trial) {
    const int steps = 1 + rng.uniform_int(12);
    std::vector<Buffer> bs;
    for (int i = 0, n = 1 + rng.uniform_int(15); i < n; ++i) {
      const int first = rng.uniform_int(steps);
      bs.push_back(buf(1 + rng.uniform_int(1000), first, first + rng.uniform_int(steps - first)));
    }
    const ArenaPlan greedy = GreedyPlanner().plan(bs);
    const ArenaPlan linear = LinearPlanner().plan(bs);
    ASSERT_TRUE(is_valid_plan(bs, greedy)) << "trial " << trial;
    ASSERT_TRUE(is_valid_plan(bs, linear)) << "trial " << trial;
    EXPECT_GE(greedy.arena_bytes, lower_bound(bs, steps));
    EXPECT_LE(greedy.arena_bytes, linear.arena_bytes);
  }
}

TEST(MemoryPlanner, ValidityCheckCatchesOverlaps) {
  const std::vector<Buffer> bs = {buf(10, 0, 1), buf(10, 1, 2)};
  EXPECT_FALSE(is_valid_plan(bs, {.offsets = {0, 5}, .arena_bytes = 15}));   // live together at step 1
  EXPECT_FALSE(is_valid_plan(bs, {.offsets = {0, 10}, .arena_bytes = 15}));  // past the arena's end
  EXPECT_TRUE(is_valid_plan(bs, {.offsets = {0, 10}, .arena_bytes = 20}));
}

TEST(MemoryPlanner, AlignmentRoundsSizesUp) {
  const std::vector<Buffer> bs = {buf(1, 0, 0), buf(16, 0, 0), buf(17, 0, 0)};
  const auto a = aligned(bs, 16);
  EXPECT_EQ(a[0].bytes, 16);
  EXPECT_EQ(a[1].bytes, 16);
  EXPECT_EQ(a[2].bytes, 32);
  EXPECT_HWNAS_ERROR(aligned(bs, 0), "at least 1 byte");
}

TEST(MemoryPlanner, FactoryKnowsItsNames) {
  EXPECT_EQ(make_memory_planner("greedy")->name(), "greedy");
  EXPECT_EQ(make_memory_planner("linear")->name(), "linear");
  EXPECT_HWNAS_ERROR(make_memory_planner("best-fit"), "use one of: greedy, linear");
}

}  // namespace
}  // namespace hwnas::plan
