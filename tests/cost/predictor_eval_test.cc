#include "hwnas/cost/predictor_eval.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

TEST(PredictorEval, AccuracyByHand) {
  // Errors: +4%, -8%, +20%, 0%. Within 5%: 2 of 4; within 10%: 3 of 4.
  // RMSE ms: sqrt((0.4^2 + 1.6^2 + 1^2 + 0) / 4) = sqrt(3.72 / 4) = 0.964365.
  // Relative: sqrt((0.0016 + 0.0064 + 0.04 + 0) / 4) = sqrt(0.012) = 0.109545.
  const Accuracy a = accuracy({10.4, 18.4, 6, 1}, {10, 20, 5, 1});
  EXPECT_EQ(a.n, 4);
  EXPECT_DOUBLE_EQ(a.within_5, 0.5);
  EXPECT_DOUBLE_EQ(a.within_10, 0.75);
  EXPECT_NEAR(a.rmse_ms, std::sqrt(3.72 / 4), 1e-12);
  EXPECT_NEAR(a.rel_rmse, std::sqrt(0.012), 1e-12);
  EXPECT_NEAR(a.spearman, 1.0, 1e-12);  // same order
  EXPECT_NEAR(a.kendall, 1.0, 1e-12);
  EXPECT_HWNAS_ERROR(accuracy({1}, {0}), "must be positive");
  EXPECT_HWNAS_ERROR(accuracy({1, 2}, {1}), "2 predictions for 1 measurements");
}

TEST(PredictorEval, MedianMsPerMac) {
  // Ratios 1e-6, 2e-6, 4e-6 (ms per MAC): the median is 2e-6; a zero-MAC model is ignored.
  EXPECT_DOUBLE_EQ(median_ms_per_mac({1e6, 1e6, 1e6, 0}, {1, 2, 4, 9}), 2e-6);
  EXPECT_HWNAS_ERROR(median_ms_per_mac({0}, {1}), "no training model has MACs");
}

TEST(PredictorEval, SummaryPutsTheBaselineBeside) {
  std::vector<EvalRow> rows = {{.model = "a", .measured_ms = 10, .noisy = true, .predicted_ms = 10.5, .baseline_ms = 20},
                               {.model = "b", .measured_ms = 20, .predicted_ms = 19, .baseline_ms = 10}};
  const EvalSummary s = summarize(rows);
  EXPECT_EQ(s.noisy, 1);
  EXPECT_DOUBLE_EQ(s.model.within_10, 1.0);
  EXPECT_DOUBLE_EQ(s.baseline.within_10, 0.0);
  EXPECT_NEAR(s.baseline.spearman, -1.0, 1e-12);
}

TEST(PredictorEval, FewShotRecoversALinearDevice) {
  // 200 "architectures" with two terms; the device is 2 x term0 + 0.5 x term1; MACs follow
  // term0 only, so the FLOPs baseline ranks worse than the fitted model.
  Rng rng(3);
  std::vector<std::vector<double>> terms;
  std::vector<double> measured, macs;
  for (int i = 0; i < 200; ++i) {
    const double t0 = rng.uniform(), t1 = rng.uniform();
    terms.push_back({t0, t1});
    measured.push_back(2 * t0 + 0.5 * t1 + 0.01);
    macs.push_back(1e6 * t0 + 1);
  }
  const auto draws = few_shot_eval(terms, {1, 1}, measured, macs, {.train = 10, .repeats = 5, .seed = 1});
  ASSERT_EQ(draws.size(), 5u);
  for (const FewShotDraw& d : draws) {
    EXPECT_EQ(d.model.n, 200);
    EXPECT_GT(d.model.spearman, 0.99);
    EXPECT_LT(d.baseline.spearman, d.model.spearman);
  }
  EXPECT_HWNAS_ERROR(few_shot_eval(terms, {1, 1}, measured, macs, {.train = 200}), "train must be between 1 and 199");
  EXPECT_HWNAS_ERROR(few_shot_eval(terms, {1, 1}, measured, {1}, {}), "must match");
}

}  // namespace
}  // namespace hwnas::cost
