// plan::LinearPlanner: no reuse, offsets are running sums.
#include "hwnas/plan/linear_planner.h"
#include "cost/planner_testing.h"

#include <gtest/gtest.h>

namespace hwnas::plan {
namespace {

using testing::buf;

TEST(LinearPlanner, OneAfterTheOther) {
  const std::vector<Buffer> bs = {buf(10, 0, 0), buf(20, 1, 1), buf(30, 2, 2)};
  const ArenaPlan p = LinearPlanner().plan(bs);
  EXPECT_EQ(p.offsets, (std::vector<int64_t>{0, 10, 30}));
  EXPECT_EQ(p.arena_bytes, 60);
}

}  // namespace
}  // namespace hwnas::plan
