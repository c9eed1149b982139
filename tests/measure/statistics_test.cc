#include "hwnas/measure/statistics.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

TEST(Quantile, MatchesNumpyLinear) {
  // numpy.percentile(range(1, 11), [10, 50, 90]) = [1.9, 5.5, 9.1]
  std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.1), 1.9);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.5), 5.5);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.9), 9.1);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 1.0), 10);
  EXPECT_DOUBLE_EQ(quantile_sorted({7}, 0.3), 7);
  EXPECT_HWNAS_ERROR(quantile_sorted({}, 0.5), "no samples");
}

TEST(MedianCi, PublishedOrderStatisticRanks) {
  // Tables of the distribution-free 95% CI of the median (e.g. Conover, Practical
  // Nonparametric Statistics; Campbell & Gardner, BMJ 1988):
  //   n = 10 -> (2, 9)   [coverage 1 - 2*11/1024 = 97.9%]
  //   n = 20 -> (6, 15)  [P(B <= 5) = 0.0207]
  //   n = 100 -> (40, 61)
  EXPECT_EQ(median_ci_ranks(10, 0.95), (std::pair{2, 9}));
  EXPECT_EQ(median_ci_ranks(20, 0.95), (std::pair{6, 15}));
  EXPECT_EQ(median_ci_ranks(100, 0.95), (std::pair{40, 61}));
  // n = 6: P(B = 0) = 1/64 = 0.0156 <= 0.025 -> (1, 6); n = 5: 1/32 = 0.031 > 0.025 -> none
  EXPECT_EQ(median_ci_ranks(6, 0.95), (std::pair{1, 6}));
  EXPECT_FALSE(median_ci_ranks(5, 0.95).has_value());
  // 99%: n = 20 -> (4, 17) [P(B <= 3) = 1351/2^20 = 0.0013, P(B <= 4) = 0.0059 > 0.005]
  EXPECT_EQ(median_ci_ranks(20, 0.99), (std::pair{4, 17}));
  // Large n stays finite (no 2^-n underflow) and near n/2 -+ 0.98 sqrt(n): 5000 +- 98.
  auto big = median_ci_ranks(10000, 0.95);
  ASSERT_TRUE(big.has_value());
  EXPECT_NEAR(big->first, 4902, 2);
  EXPECT_EQ(big->second, 10000 - big->first + 1);
}

TEST(Summarize, KnownSample) {
  // 1..10 shuffled: mean 5.5, sample variance 55/6 = 9.1667 -> sd 3.02765, cv 0.55048
  const Summary s = summarize({3, 9, 1, 10, 2, 8, 4, 7, 5, 6});
  EXPECT_EQ(s.runs, 10);
  EXPECT_DOUBLE_EQ(s.median, 5.5);
  EXPECT_DOUBLE_EQ(s.p10, 1.9);
  EXPECT_DOUBLE_EQ(s.p90, 9.1);
  EXPECT_NEAR(s.stddev, 3.0276503540974917, 1e-12);
  EXPECT_NEAR(s.cv, 3.0276503540974917 / 5.5, 1e-12);
  // CI ranks (2, 9) -> values 2 and 9; half-width max(5.5-2, 9-5.5)/5.5 = 0.63636
  EXPECT_EQ(*s.ci_low, 2);
  EXPECT_EQ(*s.ci_high, 9);
  EXPECT_NEAR(s.ci_rel_half_width(), 3.5 / 5.5, 1e-12);
  EXPECT_TRUE(std::isinf(summarize({1, 2, 3}).ci_rel_half_width()));
  EXPECT_HWNAS_ERROR(summarize({}), "no samples");
}

}  // namespace
}  // namespace hwnas::measure
