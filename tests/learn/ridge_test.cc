#include "hwnas/learn/ridge.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::learn {
namespace {

TEST(Ridge, OneFeatureByHand) {
  // min (w - 1)^2 + (2w - 3)^2 + lambda w^2, lambda = 1: (1 + 4 + 1) w = 1 + 6, w = 7/6.
  EXPECT_NEAR(ridge({{1}, {2}}, {1, 3}, 1.0, {0})[0], 7.0 / 6, 1e-12);
  // Toward a centre of 1: (w - 1) + 2 (2w - 3) + (w - 1) = 0, 6w = 8, w = 4/3.
  EXPECT_NEAR(ridge({{1}, {2}}, {1, 3}, 1.0, {1})[0], 4.0 / 3, 1e-12);
}

TEST(Ridge, LeaveOneOutByHand) {
  // Same data, lambda = 1, centre 0. Without row 0: w = 2*3 / (4 + 1) = 1.2, row 0's residual
  // 1 - 1.2 = -0.2. Without row 1: w = 1*1 / (1 + 1) = 0.5, row 1's residual 3 - 1 = 2.
  // Mean square: (0.04 + 4) / 2 = 2.02.
  const RidgeFit f = ridge_loo({{1}, {2}}, {1, 3}, {1.0}, {0});
  EXPECT_DOUBLE_EQ(f.lambda, 1.0);
  EXPECT_NEAR(f.loo_mse, 2.02, 1e-12);
  ASSERT_EQ(f.loo_residuals.size(), 2u);
  EXPECT_NEAR(f.loo_residuals[0], -0.2, 1e-12);
  EXPECT_NEAR(f.loo_residuals[1], 2, 1e-12);
  EXPECT_NEAR(f.weights[0], 7.0 / 6, 1e-12);
}

TEST(Ridge, ClosedFormLeaveOneOutMatchesRefits) {
  // The reference: refit without each row and square its residual, for random data and centre.
  Rng rng(3);
  RidgeRows x;
  std::vector<double> y, centre = {0.5, -1, 2};
  for (int i = 0; i < 9; ++i) {
    x.push_back({1, rng.normal(), rng.uniform()});
    y.push_back(rng.normal());
  }
  for (double lambda : {0.01, 0.3, 5.0}) {
    double sum = 0;
    const RidgeFit f = ridge_loo(x, y, {lambda}, centre);
    for (size_t i = 0; i < x.size(); ++i) {
      RidgeRows xi = x;
      std::vector<double> yi = y;
      xi.erase(xi.begin() + static_cast<long>(i));
      yi.erase(yi.begin() + static_cast<long>(i));
      const std::vector<double> w = ridge(xi, yi, lambda, centre);
      const double r = y[i] - (w[0] * x[i][0] + w[1] * x[i][1] + w[2] * x[i][2]);
      sum += r * r;
      EXPECT_NEAR(f.loo_residuals[i], r, 1e-10) << "lambda " << lambda << ", row " << i;
    }
    EXPECT_NEAR(f.loo_mse, sum / 9, 1e-10) << "lambda " << lambda;
  }
}

TEST(Ridge, ChoosesTheLambdaTheDataSupports) {
  // y = 2x exactly: a weak ridge predicts left-out rows almost exactly, a strong one toward 0
  // does not; the chosen fit is the weak one's.
  const RidgeFit exact = ridge_loo({{1}, {2}, {3}}, {2, 4, 6}, {100, 0.001}, {0});
  EXPECT_DOUBLE_EQ(exact.lambda, 0.001);
  EXPECT_NEAR(exact.weights[0], 2, 1e-3);
  // y is pure noise around the centre's prediction (w = 1): the strong ridge wins.
  const RidgeFit noise = ridge_loo({{1}, {1}, {1}, {1}}, {1.5, 0.5, 1.4, 0.6}, {0.001, 100}, {1});
  EXPECT_DOUBLE_EQ(noise.lambda, 100);
}

TEST(Ridge, UnderdeterminedStaysAtTheCentre) {
  // One row, three features: w0 minimises (w0 - 5)^2 + w0^2 (2.5); the others keep the centre.
  const std::vector<double> w = ridge({{1, 0, 0}}, {5}, 1.0, {0, 7, 0});
  EXPECT_NEAR(w[0], 2.5, 1e-12);
  EXPECT_NEAR(w[1], 7, 1e-12);
  EXPECT_NEAR(w[2], 0, 1e-12);
}

TEST(Ridge, Errors) {
  EXPECT_HWNAS_ERROR(ridge({}, {}, 1, {0}), "no rows");
  EXPECT_HWNAS_ERROR(ridge({{1}}, {1, 2}, 1, {0}), "1 rows of features for 2 targets");
  EXPECT_HWNAS_ERROR(ridge({{1, 2}}, {1}, 1, {0}), "row 0 has 2 features, the centre has 1");
  EXPECT_HWNAS_ERROR(ridge({{1}}, {1}, 0, {0}), "lambda must be positive");
  EXPECT_HWNAS_ERROR(ridge({{NAN}}, {1}, 1, {0}), "must be finite");
  EXPECT_HWNAS_ERROR(ridge({{1}}, {INFINITY}, 1, {0}), "target 0 is inf");
  EXPECT_HWNAS_ERROR(ridge_loo({{1}}, {1}, {1}, {0}), "at least 2 rows");
  EXPECT_HWNAS_ERROR(ridge_loo({{1}, {2}}, {1, 2}, {}, {0}), "no candidate lambdas");
  EXPECT_HWNAS_ERROR(ridge_loo({{1}, {2}}, {1, 2}, {1, -1}, {0}), "lambda must be positive");
}

}  // namespace
}  // namespace hwnas::learn
