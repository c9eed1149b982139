// The protocol on synthetic sample streams: no clock is read, so the answers are exact.
#include "hwnas/measure/timing.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

using ::testing::HasSubstr;

TEST(Timing, ConstantSamplesConvergeAtMinRuns) {
  // Every run takes 2 ms: CI = [2, 2] at the first check (min_runs = 10), so it stops there.
  int calls = 0;
  TimingOptions o;
  o.warmup_runs = 3;
  const TimingResult r = time_samples(
      [&] {
        ++calls;
        return 2.0;
      },
      o);
  EXPECT_TRUE(r.converged);
  EXPECT_FALSE(r.noisy);
  EXPECT_EQ(r.summary.runs, 10);
  EXPECT_EQ(calls, 13);  // 3 warm-up + 10 timed
  EXPECT_DOUBLE_EQ(r.summary.median, 2.0);
  EXPECT_DOUBLE_EQ(r.spent_s, 13 * 2.0 / 1000);
  EXPECT_THAT(r.note, HasSubstr("95% CI of the median +-0.00% after 10 runs"));
}

TEST(Timing, QuietJitterConvergesToTheTrueMedian) {
  // Uniform 10 +- 0.5 ms: median 10. The 95% CI of the median has half-width about
  // 1.96 * 0.5 / sqrt(n) * (1/(2 f(m)) = 0.5) ... i.e. ~0.98/sqrt(n) ms, so +-1% (0.1 ms)
  // needs n ~ 100 runs; well inside a 10 s budget (~1000 runs).
  Rng rng(1);
  const TimingResult r = time_samples([&] { return 9.5 + rng.uniform(); }, {});
  EXPECT_TRUE(r.converged);
  EXPECT_FALSE(r.noisy);  // p10-p90 of U(9.5, 10.5) spans 0.8 ms = 8% < 20%
  EXPECT_GT(r.summary.runs, 40);
  EXPECT_LT(r.summary.runs, 300);
  EXPECT_NEAR(r.summary.median, 10.0, 0.1);
  EXPECT_LE(r.summary.ci_rel_half_width(), 0.01);
}

TEST(Timing, NoisyMachineIsFlaggedWhenTheBudgetRunsOut) {
  // Runs alternate between 5 and 15 ms (a busy neighbour): the median's CI spans [5, 15]
  // forever, so the 1 s budget ends the run: ~100 runs of mean 10 ms.
  int i = 0;
  TimingOptions o;
  o.budget_s = 1.0;
  o.warmup_runs = 0;
  const TimingResult r = time_samples([&] { return (i++ % 2) ? 15.0 : 5.0; }, o);
  EXPECT_FALSE(r.converged);
  EXPECT_TRUE(r.noisy);
  EXPECT_EQ(r.summary.runs, 100);  // 50 * 5 + 50 * 15 = 1000 ms
  EXPECT_THAT(r.note, HasSubstr("noisy"));
  EXPECT_THAT(r.note, HasSubstr("time budget spent"));
}

TEST(Timing, ConvergedButWideSpreadIsStillNoisy) {
  // 3 of every 4 runs take 10 ms, 1 takes 30 ms (another process steals the CPU): the
  // median is 10 and its CI closes on [10, 10] once the upper rank n-l+1 falls among the
  // tens, but p90 = 30 and p10 = 10: the spread is (30 - 10) / 10 = 200% > 20%: flagged.
  int i = 0;
  TimingOptions o;
  o.warmup_runs = 0;
  o.min_runs = 12;
  const TimingResult r = time_samples([&] { return (i++ % 4 == 3) ? 30.0 : 10.0; }, o);
  EXPECT_TRUE(r.converged);
  EXPECT_TRUE(r.noisy);
  EXPECT_DOUBLE_EQ(r.summary.median, 10.0);
  EXPECT_DOUBLE_EQ(r.summary.p90, 30.0);
  // With k = n/4 slow runs: mean = 10 + 20k/n, sd = 20 sqrt(k(n-k)/(n(n-1))), CV ~ 58%.
  const double n = r.summary.runs, k = r.summary.runs / 4;
  EXPECT_NEAR(r.summary.cv, 20 * std::sqrt(k * (n - k) / (n * (n - 1))) / (10 + 20 * k / n), 1e-9);
  EXPECT_THAT(r.note, HasSubstr("p10-p90 spans 200% of the median (> 20%"));
}

TEST(Timing, OnePreemptionInflatesTheCvButIsNotNoise) {
  // 99 runs of 1 ms and one of 100 ms: mean 1.99, sd = 99 * sqrt(1/100) = 9.9, CV ~ 497%,
  // yet p10 = p90 = median = 1: converged and not noisy.
  int i = 0;
  TimingOptions o;
  o.warmup_runs = 0;
  o.min_runs = o.max_runs = 100;
  const TimingResult r = time_samples([&] { return ++i == 50 ? 100.0 : 1.0; }, o);
  EXPECT_GT(r.summary.cv, 4.0);
  EXPECT_TRUE(r.converged);
  EXPECT_FALSE(r.noisy);
}

TEST(Timing, RunLimitAndTooFewRuns) {
  TimingOptions o;
  o.min_runs = 3;
  o.max_runs = 4;
  o.warmup_runs = 0;
  // 4 runs can never give a 95% CI of the median (needs n >= 6): noisy, run limit.
  const TimingResult r = time_samples([] { return 1.0; }, o);
  EXPECT_TRUE(r.noisy);
  EXPECT_EQ(r.summary.runs, 4);
  EXPECT_THAT(r.note, HasSubstr("no CI of the median"));
  EXPECT_THAT(r.note, HasSubstr("run limit"));
}

TEST(Timing, BadOptionsAreErrors) {
  auto f = [] { return 1.0; };
  TimingOptions o;
  o.budget_s = 0;
  EXPECT_HWNAS_ERROR(time_samples(f, o), "budget must be positive");
  o = {};
  o.min_runs = 0;
  EXPECT_HWNAS_ERROR(time_samples(f, o), "min_runs");
  o = {};
  o.confidence = 1.0;
  EXPECT_HWNAS_ERROR(time_samples(f, o), "confidence");
  o = {};
  o.max_spread = 0;
  EXPECT_HWNAS_ERROR(time_samples(f, o), "max_spread");
}

TEST(Timing, TimeFunctionCallsTheFunction) {
  int calls = 0;
  TimingOptions o;
  o.warmup_runs = 1;
  o.min_runs = o.max_runs = 7;
  const TimingResult r = time_function([&] { ++calls; }, o);
  EXPECT_EQ(calls, 8);
  EXPECT_EQ(r.summary.runs, 7);
  EXPECT_GE(r.summary.min, 0.0);
}

}  // namespace
}  // namespace hwnas::measure
