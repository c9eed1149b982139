// plan::GreedyPlanner against buffers placed by hand (TFLM's greedy-by-size, first fit).
#include "hwnas/plan/greedy_planner.h"

#include <gtest/gtest.h>

#include "cost/planner_testing.h"
#include "hwnas/plan/linear_planner.h"

namespace hwnas::plan {
namespace {

using testing::buf;
using testing::lower_bound;

TEST(GreedyPlanner, LargestFirstFirstFit) {
  // A 100 B steps 0-1, B 50 B 1-2, C 100 B 2-3, D 30 B 0-3. Largest first: A, C, B, D.
  //   A -> 0. C is never live with A -> 0. B overlaps A and C (both 0..100) -> 100.
  //   D overlaps all three: past A/C to 100, past B to 150 -> 150. Arena 180.
  // Lower bound: step 1 holds A+B+D = 180, so the plan is optimal. Linear: 280.
  const std::vector<Buffer> bs = {buf(100, 0, 1), buf(50, 1, 2), buf(100, 2, 3), buf(30, 0, 3)};
  const ArenaPlan p = GreedyPlanner().plan(bs);
  EXPECT_EQ(p.offsets, (std::vector<int64_t>{0, 100, 0, 150}));
  EXPECT_EQ(p.arena_bytes, 180);
  EXPECT_EQ(lower_bound(bs, 4), 180);
  EXPECT_TRUE(is_valid_plan(bs, p));
  EXPECT_EQ(LinearPlanner().plan(bs).arena_bytes, 280);
}

TEST(GreedyPlanner, FillsAGapBelowALiveBuffer) {
  // X 64 B steps 0-1 at 0, Y 64 B 0-3 at 64; Z 32 B 2-3 meets only Y and fits below it at 0.
  const std::vector<Buffer> bs = {buf(64, 0, 1), buf(64, 0, 3), buf(32, 2, 3)};
  const ArenaPlan p = GreedyPlanner().plan(bs);
  EXPECT_EQ(p.offsets, (std::vector<int64_t>{0, 64, 0}));
  EXPECT_EQ(p.arena_bytes, 128);
}

}  // namespace
}  // namespace hwnas::plan
