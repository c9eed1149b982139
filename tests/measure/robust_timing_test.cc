// Load-robust statistics on synthetic timing results with known answers: no clock is read.
#include "hwnas/measure/robust_timing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

using ::testing::HasSubstr;

TimingResult result(double median, double p10, double min, int runs, bool noisy = false) {
  TimingResult t;
  t.summary.median = median;
  t.summary.p10 = p10;
  t.summary.min = min;
  t.summary.runs = runs;
  t.noisy = noisy;
  return t;
}

TEST(StatisticValue, PicksTheNamedFigure) {
  const Summary s = result(10, 9, 8, 20).summary;
  EXPECT_DOUBLE_EQ(statistic_value(s, "median"), 10);
  EXPECT_DOUBLE_EQ(statistic_value(s, "p10"), 9);
  EXPECT_DOUBLE_EQ(statistic_value(s, "min"), 8);
  EXPECT_HWNAS_ERROR(statistic_value(s, "p50"), "is not one of median, p10, min");
  EXPECT_HWNAS_ERROR(check_statistic("mean"), "timing statistic 'mean'");
  check_statistic("p10");  // no throw
}

TEST(TimeInterleaved, RotatesTheOrderAndKeepsTheLowestRound) {
  // 3 items, 3 rounds. Visit order: round 0: 0 1 2, round 1: 1 2 0, round 2: 2 0 1.
  // Item i takes 1 + i ms, except during a "burst of other load" that covers the 2nd and
  // 3rd visits of round 1 (items 2 and 0), which take twice as long: the lowest round
  // keeps 1, 2, 3 ms. Spread of item 0: rounds 1, 2, 1 -> 2/1 - 1 = 100%.
  std::vector<std::pair<size_t, int>> visits;
  const auto t = time_interleaved(3, 3, [&](size_t i, int r) {
    visits.emplace_back(i, r);
    const bool burst = r == 1 && (i == 2 || i == 0);
    const double ms = (1.0 + static_cast<double>(i)) * (burst ? 2 : 1);
    return result(ms, ms, ms, 10);
  });
  const std::vector<std::pair<size_t, int>> want = {{0, 0}, {1, 0}, {2, 0}, {1, 1}, {2, 1},
                                                    {0, 1}, {2, 2}, {0, 2}, {1, 2}};
  EXPECT_EQ(visits, want);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_DOUBLE_EQ(t[0].ms, 1);
  EXPECT_DOUBLE_EQ(t[1].ms, 2);
  EXPECT_DOUBLE_EQ(t[2].ms, 3);
  EXPECT_EQ(t[0].round_ms, (std::vector<double>{1, 2, 1}));
  EXPECT_DOUBLE_EQ(t[0].spread, 1.0);
  EXPECT_DOUBLE_EQ(t[1].spread, 0.0);
  EXPECT_EQ(t[0].runs, 30);
  EXPECT_THAT(t[0].note, HasSubstr("lowest of 3 interleaved round medians (spread 100.0%), 30 runs"));
}

TEST(TimeInterleaved, UsesTheStatisticAndFlagsOnlyAllNoisyItems) {
  // Round figures are p10s. Item 0 is noisy in round 0 only (one clean round: clean figure);
  // item 1 in both rounds: noisy.
  const auto t = time_interleaved(
      2, 2, [](size_t i, int r) { return result(10, 8 + r + static_cast<double>(i), 7, 5, i == 1 || r == 0); }, "p10");
  EXPECT_DOUBLE_EQ(t[0].ms, 8);  // p10s 8 (round 0), 9 (round 1)
  EXPECT_DOUBLE_EQ(t[1].ms, 9);  // p10s 9, 10
  EXPECT_FALSE(t[0].noisy);
  EXPECT_TRUE(t[1].noisy);
  EXPECT_THAT(t[1].note, HasSubstr("round p10s"));
}

TEST(TimeInterleaved, OneRoundIsThePlainStatistic) {
  const auto t = time_interleaved(
      1, 1, [](size_t, int) { return result(4, 3, 2, 50); }, "min");
  EXPECT_DOUBLE_EQ(t[0].ms, 2);
  EXPECT_DOUBLE_EQ(t[0].spread, 0);
  EXPECT_EQ(t[0].note, "min of 50 runs");
  EXPECT_TRUE(time_interleaved(0, 3, [](size_t, int) { return result(1, 1, 1, 1); }).empty());
}

TEST(TimeInterleaved, RejectsBadArguments) {
  auto never = [](size_t, int) -> TimingResult {
    ADD_FAILURE() << "timed";
    return {};
  };
  EXPECT_HWNAS_ERROR(time_interleaved(2, 0, never), "rounds must be at least 1, got 0");
  EXPECT_HWNAS_ERROR(time_interleaved(2, 2, never, "mode"), "is not one of median, p10, min");
}

}  // namespace
}  // namespace hwnas::measure
