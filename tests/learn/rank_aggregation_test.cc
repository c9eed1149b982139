#include "hwnas/learn/rank_aggregation.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::learn {
namespace {

// Column 0 ranks the items 1,2,3; column 1 (20, 10, 30) ranks them 2,1,3. Means: 1.5, 1.5, 3.
TEST(MeanRank, MeanOfTheColumnsRanks) {
  const std::vector<double> r = mean_rank({{0.1, 0.5, 0.9}, {20, 10, 30}});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_DOUBLE_EQ(r[0], 1.5);
  EXPECT_DOUBLE_EQ(r[1], 1.5);
  EXPECT_DOUBLE_EQ(r[2], 3.0);
}

// Ties share their mean rank: (5, 5, 1) ranks 2.5, 2.5, 1. -inf and NaN rank lowest; NaN ties
// with -inf: (NaN, -inf, 0) ranks 1.5, 1.5, 3.
TEST(MeanRank, TiesAndUndefinedScores) {
  EXPECT_EQ(mean_rank({{5, 5, 1}}), (std::vector<double>{2.5, 2.5, 1}));
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(mean_rank({{nan, -inf, 0}}), (std::vector<double>{1.5, 1.5, 3}));
}

TEST(MeanRank, ColumnsOfDifferentLengthsAreAnError) {
  EXPECT_HWNAS_ERROR(mean_rank({{1, 2}, {1}}), "column 1 has 1 scores");
  EXPECT_HWNAS_ERROR(mean_rank({}), "at least one column");
}

}  // namespace
}  // namespace hwnas::learn
