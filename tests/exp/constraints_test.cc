#include "hwnas/exp/constraints.h"

#include <gtest/gtest.h>

namespace hwnas::exp {
namespace {

TEST(Constraints, HardLimitsMakeATrialInfeasible) {
  const std::vector<Constraint> c = {{"latency_ms", true, 20.0, 0}, {"accuracy", false, 90.0, 0}};
  EXPECT_TRUE(check_constraints(c, {{"latency_ms", 20.0}, {"accuracy", 90.0}}).feasible);  // bounds inclusive
  const Verdict v = check_constraints(c, {{"latency_ms", 25.5}, {"accuracy", 89.0}});
  EXPECT_FALSE(v.feasible);
  EXPECT_EQ(v.violation, "latency_ms = 25.5 is above the hard max 20");  // the first one broken
  EXPECT_EQ(check_constraints(c, {{"accuracy", 80.0}}).violation, "accuracy = 80 is below the hard min 90");
  // A metric not evaluated yet cannot break its limit.
  EXPECT_TRUE(check_constraints(c, {{"latency_ms", 5.0}}).feasible);
}

TEST(Constraints, SoftLimitsAddAPenaltyProportionalToTheExcess) {
  const std::vector<Constraint> c = {{"latency_ms", true, 20.0, 0.5}, {"flash_kib", true, 512.0, 0.01}};
  // 0.5 * (26 - 20) + 0.01 * (612 - 512) = 3 + 1 = 4
  const Verdict v = check_constraints(c, {{"latency_ms", 26.0}, {"flash_kib", 612.0}});
  EXPECT_TRUE(v.feasible);
  EXPECT_DOUBLE_EQ(v.penalty, 4.0);
  EXPECT_DOUBLE_EQ(check_constraints(c, {{"latency_ms", 19.0}, {"flash_kib", 100.0}}).penalty, 0.0);
  EXPECT_EQ(c[0].describe(), "latency_ms <= 20 (soft, weight 0.5)");
  EXPECT_EQ(Constraint({"a", false, 3, 0}).describe(), "a >= 3 (hard)");
}

}  // namespace
}  // namespace hwnas::exp
