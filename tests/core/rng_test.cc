#include "hwnas/core/rng.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace hwnas {
namespace {

TEST(Rng, SameSeedSameStream) {
  Rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, UniformIntIsUnbiasedAndInRange) {
  // Chi-square test against the uniform distribution over 7 bins (df = 6); 0.999 quantile 22.46.
  Rng rng(1);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const int k = rng.uniform_int(7);
    ASSERT_GE(k, 0);
    ASSERT_LT(k, 7);
    ++counts[k];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  EXPECT_LT(chi2, 22.46);
}

TEST(Rng, NormalHasUnitMomentsAndForksAreIndependent) {
  Rng rng(3);
  double sum = 0, sum2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    sum += x;
    sum2 += x * x;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.02);
  EXPECT_NEAR(sum2 / n, 1.0, 0.02);
  EXPECT_NE(rng.fork(1).next(), rng.fork(2).next());
  EXPECT_EQ(rng.fork(1).next(), rng.fork(1).next());
}

TEST(Rng, RejectsEmptyRange) { EXPECT_THROW(Rng(0).uniform_int(0), std::invalid_argument); }

}  // namespace
}  // namespace hwnas
