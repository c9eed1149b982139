#include "hwnas/learn/nnls.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::learn {
namespace {

TEST(Nnls, UnconstrainedOptimumWhenItIsNonNegative) {
  // A = I (2x2) plus a row (1, 1); b = (1, 2, 3): A^T A = [[2,1],[1,2]], A^T b = (4, 5);
  // x = inv([[2,1],[1,2]]) (4, 5) = ((2*4 - 5)/3, (2*5 - 4)/3) = (1, 2), both >= 0.
  const auto x = nnls({{1, 0}, {0, 1}, {1, 1}}, {1, 2, 3});
  ASSERT_EQ(x.size(), 2u);
  EXPECT_NEAR(x[0], 1.0, 1e-9);  // the solver adds a 1e-12 relative jitter
  EXPECT_NEAR(x[1], 2.0, 1e-9);
}

TEST(Nnls, PinsANegativeFactorAtZero) {
  // Unconstrained: x = ((2*1.5 + 0.5)/3, (2*(-0.5) - 1.5)/3) = (1.167, -0.833). With x2 = 0
  // the objective is (x1 - 1)^2 + 1 + (x1 - 0.5)^2, minimal at x1 = 0.75.
  const auto x = nnls({{1, 0}, {0, 1}, {1, 1}}, {1, -1, 0.5});
  EXPECT_NEAR(x[0], 0.75, 1e-9);
  EXPECT_EQ(x[1], 0.0);
}

TEST(Nnls, AllNegativeTargetsGiveZero) {
  const auto x = nnls({{1, 2}, {3, 1}}, {-1, -2});
  EXPECT_EQ(x, (std::vector<double>{0, 0}));
}

TEST(Nnls, RejectsBadShapes) {
  EXPECT_HWNAS_ERROR(nnls({}, {}), "at least one row");
  EXPECT_HWNAS_ERROR(nnls({{1, 2}, {1}}, {1, 2}), "row 1 has 1 columns");
  EXPECT_HWNAS_ERROR(nnls({{1}}, {1, 2}), "one target per row");
  EXPECT_HWNAS_ERROR(nnls({{1}}, {NAN}), "not finite");
}

}  // namespace
}  // namespace hwnas::learn
