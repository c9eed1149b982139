#include "hwnas/cost/calibration_fit.h"

#include <gtest/gtest.h>

#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

// n samples of 3 terms drawn uniformly in [0.1, 2.1) ms, measured = truth . terms x (1 + noise).
FitProblem synthetic(int n, std::vector<double> truth, double noise, uint64_t seed) {
  Rng rng(seed);
  FitProblem p;
  p.prior = {1, 1, 1};
  for (int i = 0; i < n; ++i) {
    std::vector<double> t = {0.1 + 2 * rng.uniform(), 0.1 + 2 * rng.uniform(), 0.1 + 2 * rng.uniform()};
    double y = 0;
    for (int j = 0; j < 3; ++j) y += truth[j] * t[j];
    p.terms.push_back(t);
    p.measured_ms.push_back(y * (1 + noise * rng.normal()));
  }
  return p;
}

TEST(CalibrationFit, RecoversKnownFactorsFromExactData) {
  const FitProblem p = synthetic(40, {2.0, 0.5, 3.0}, 0.0, 1);
  const FitResult r = fit_factors(p);
  EXPECT_EQ(r.lambda, 0.0);  // exact data: no learn::ridge cross-validates better
  EXPECT_NEAR(r.factors[0], 2.0, 1e-6);
  EXPECT_NEAR(r.factors[1], 0.5, 1e-6);
  EXPECT_NEAR(r.factors[2], 3.0, 1e-6);
  EXPECT_LT(r.train_rel_rmse, 1e-9);
  EXPECT_NEAR(fitted_ms(r, {1, 1, 1}), 5.5, 1e-6);
}

TEST(CalibrationFit, NoisyDataStayNonNegativeNearTheTruth) {
  // True factor 0 on the second term with 3% noise: an unconstrained fit may go negative.
  const FitProblem p = synthetic(200, {2.0, 0.0, 1.0}, 0.03, 2);
  const FitResult r = fit_factors(p);
  for (double f : r.factors) EXPECT_GE(f, 0.0);
  EXPECT_NEAR(r.factors[0], 2.0, 0.1);
  EXPECT_LT(r.factors[1], 0.1);
  EXPECT_NEAR(r.factors[2], 1.0, 0.1);
  EXPECT_NEAR(r.train_rel_rmse, 0.03, 0.01);
}

TEST(CalibrationFit, ScalesThePriorWhenTheDeviceIsUniformlySlower) {
  // Every measurement is exactly 10x the profile's prediction: s = 10, and the learn::ridge target
  // 10 x prior fits exactly, so any lambda gives factors 10 (here with 2 samples: no LOO).
  FitProblem p;
  p.prior = {1, 1};
  p.terms = {{1, 2}, {3, 1}};
  p.measured_ms = {30, 40};
  const FitResult r = fit_factors(p);
  EXPECT_NEAR(r.scale, 10.0, 1e-12);
  EXPECT_NEAR(r.factors[0], 10.0, 1e-9);
  EXPECT_NEAR(r.factors[1], 10.0, 1e-9);
}

TEST(CalibrationFit, FewSamplesLeanOnTheProfile) {
  // 10 noisy samples where term 2 barely varies: the learn::ridge keeps its factor near s x prior
  // instead of letting the noise decide it, and the others near the truth (1, 1, 1 = prior).
  Rng rng(5);
  FitProblem p;
  p.prior = {1, 1, 1};
  for (int i = 0; i < 10; ++i) {
    std::vector<double> t = {0.5 + rng.uniform(), 0.5 + rng.uniform(), 0.01};
    p.terms.push_back(t);
    p.measured_ms.push_back((t[0] + t[1] + t[2]) * (1 + 0.05 * rng.normal()));
  }
  const FitResult r = fit_factors(p);
  EXPECT_GT(r.lambda, 0.0);
  EXPECT_NEAR(r.factors[2], r.scale, 0.5 * r.scale);
  EXPECT_GT(r.loo_rel_rmse, 0.0);
}

TEST(CalibrationFit, TermsNoSampleUsesKeepTheScaledPrior) {
  FitProblem p = synthetic(20, {3.0, 3.0, 3.0}, 0.0, 3);
  p.prior.push_back(0.5);
  for (auto& t : p.terms) t.push_back(0.0);
  const FitResult r = fit_factors(p);
  EXPECT_NEAR(r.scale, 3.0, 1e-9);
  EXPECT_NEAR(r.factors[3], 1.5, 1e-9);
}

TEST(CalibrationFit, RejectsBadInput) {
  FitProblem p;
  EXPECT_HWNAS_ERROR(fit_factors(p), "at least one");
  p.prior = {1};
  p.terms = {{1}, {2}};
  p.measured_ms = {1};
  EXPECT_HWNAS_ERROR(fit_factors(p), "one row of terms per measurement");
  p.measured_ms = {1, 0};
  EXPECT_HWNAS_ERROR(fit_factors(p), "measurement 1 is 0 ms");
  p.measured_ms = {1, 2};
  p.terms = {{1}, {-1}};
  EXPECT_HWNAS_ERROR(fit_factors(p), "sample 1 has a term of -1");
  p.terms = {{1, 2}, {1}};
  EXPECT_HWNAS_ERROR(fit_factors(p), "sample 0 has 2 terms");
}

}  // namespace
}  // namespace hwnas::cost
