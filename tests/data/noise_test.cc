#include "hwnas/data/noise.h"

#include <cmath>

#include <gtest/gtest.h>

namespace hwnas::data {
namespace {

// Lag-1 autocorrelation: 0 for white noise, near 1 for noise whose power sits at low frequencies.
double lag1(const std::vector<float>& x) {
  double num = 0, den = 0, mean = 0;
  for (float v : x) mean += v;
  mean /= x.size();
  for (size_t i = 0; i + 1 < x.size(); ++i) num += (x[i] - mean) * (x[i + 1] - mean);
  for (float v : x) den += (v - mean) * (v - mean);
  return num / den;
}

TEST(Noise, ColoursOrderByLowFrequencyWeight) {
  Rng rng(1);
  const auto w = white_noise(64000, rng), p = pink_noise(64000, rng), b = brown_noise(64000, rng);
  EXPECT_NEAR(lag1(w), 0.0, 0.02);
  EXPECT_GT(lag1(p), 0.5);
  EXPECT_LT(lag1(p), 0.99);
  EXPECT_GT(lag1(b), 0.99);
}

TEST(Noise, HumHasTheMainsPeriod) {
  // 50 Hz at 16 kHz: 320 samples per period; the autocorrelation at one period is near 1,
  // at half a period strongly negative.
  Rng rng(2);
  const auto h = hum_noise(16000, 16000, 50, rng);
  auto corr = [&](int lag) {
    double s = 0, n = 0;
    for (size_t i = 0; i + lag < h.size(); ++i) s += h[i] * h[i + lag], n += h[i] * h[i];
    return s / n;
  };
  EXPECT_GT(corr(320), 0.9);
  EXPECT_LT(corr(160), -0.3);
}

TEST(Noise, ScaledToPeakAndDeterministic) {
  Rng a(7), b(7);
  const auto x = pink_noise(1000, a, 0.25f), y = pink_noise(1000, b, 0.25f);
  EXPECT_EQ(x, y);
  float m = 0;
  for (float v : x) m = std::max(m, std::abs(v));
  EXPECT_FLOAT_EQ(m, 0.25f);
}

}  // namespace
}  // namespace hwnas::data
