#include "hwnas/learn/rank_correlation.h"

#include <cmath>

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::learn {
namespace {

TEST(RankCorrelation, AverageRanksShareTies) {
  EXPECT_EQ(average_ranks({10, 30, 20, 30}), (std::vector<double>{1, 3.5, 2, 3.5}));
}

TEST(RankCorrelation, SpearmanWithoutTies) {
  // Ranks of b: 1, 2, 4, 3; sum d^2 = 2; rho = 1 - 6*2 / (4 * (16 - 1)) = 0.8.
  EXPECT_NEAR(spearman({1, 2, 3, 4}, {10, 20, 40, 30}), 0.8, 1e-12);
  EXPECT_NEAR(spearman({1, 2, 3}, {3, 2, 1}), -1.0, 1e-12);
}

TEST(RankCorrelation, SpearmanWithTiesIsPearsonOfAverageRanks) {
  // Ranks a = (1, 2.5, 2.5, 4), b = (1, 3, 2, 4), both with mean 2.5. Deviations
  // a: (-1.5, 0, 0, 1.5), b: (-1.5, 0.5, -0.5, 1.5): sxy = 4.5, sxx = 4.5, syy = 5;
  // r = 4.5 / sqrt(22.5) = 0.948683 (scipy.stats.spearmanr gives the same).
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 3, 2, 4}), 4.5 / std::sqrt(22.5), 1e-12);
}

TEST(RankCorrelation, KendallWithoutTies) {
  // 6 pairs, one discordant (the 3rd and 4th): (5 - 1) / 6.
  EXPECT_NEAR(kendall_tau({1, 2, 3, 4}, {10, 20, 40, 30}), 4.0 / 6.0, 1e-12);
  EXPECT_NEAR(kendall_tau({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0, 1e-12);
}

TEST(RankCorrelation, KendallTauBWithTies) {
  // a = (1, 2, 2, 3), b = (1, 3, 2, 4): of 6 pairs, one is tied in a, the other 5 concordant.
  // tau-b = (5 - 0) / sqrt((6 - 1) * (6 - 0)) = 5 / sqrt(30).
  EXPECT_NEAR(kendall_tau({1, 2, 2, 3}, {1, 3, 2, 4}), 5.0 / std::sqrt(30.0), 1e-12);
}

TEST(RankCorrelation, KendallMatchesTheQuadraticDefinition) {
  // The O(n log n) count against the plain pair loop on data with many ties.
  std::vector<double> a, b;
  for (int i = 0; i < 60; ++i) {
    a.push_back((i * 7) % 11);
    b.push_back((i * 5) % 13 + (i % 3));
  }
  double c = 0, d = 0, ta = 0, tb = 0, n0 = 0;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = i + 1; j < a.size(); ++j) {
      ++n0;
      const double s = (a[i] - a[j]) * (b[i] - b[j]);
      if (a[i] == a[j]) ++ta;
      if (b[i] == b[j]) ++tb;
      if (s > 0) ++c;
      if (s < 0) ++d;
    }
  EXPECT_NEAR(kendall_tau(a, b), (c - d) / std::sqrt((n0 - ta) * (n0 - tb)), 1e-12);
}

TEST(RankCorrelation, ConstantSideIsNaNAndBadInputThrows) {
  EXPECT_TRUE(std::isnan(spearman({1, 1, 1}, {1, 2, 3})));
  EXPECT_TRUE(std::isnan(kendall_tau({1, 2, 3}, {5, 5, 5})));
  EXPECT_HWNAS_ERROR(spearman({1, 2}, {1, 2, 3}), "differ in length");
  EXPECT_HWNAS_ERROR(kendall_tau({1}, {1}), "at least 2 pairs");
}

}  // namespace
}  // namespace hwnas::learn
