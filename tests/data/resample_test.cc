#include "hwnas/data/resample.h"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

namespace hwnas::data {
namespace {

std::vector<float> sine(double hz, int rate, int n) {
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * hz * i / rate));
  return x;
}

TEST(Resample, ToneKeepsItsFrequencyAndAmplitude) {
  // 1 kHz at 22.05 kHz resampled to 16 kHz is 1 kHz at 16 kHz: sample n is sin(2 pi 1000 n / 16000).
  const auto y = resample(sine(1000, 22050, 22050), 22050, 16000);
  ASSERT_EQ(y.size(), 16000u);
  const auto want = sine(1000, 16000, 16000);
  double worst = 0;
  for (int i = 100; i < 15900; ++i) worst = std::max(worst, std::abs(double(y[i]) - want[i]));  // away from the ends
  EXPECT_LT(worst, 0.01);
}

TEST(Resample, ContentAboveTheNewNyquistIsRemoved) {
  // 10 kHz is above 8 kHz: it must not fold back to 6 kHz.
  const auto y = resample(sine(10000, 22050, 22050), 22050, 16000);
  double energy = 0;
  for (int i = 100; i < 15900; ++i) energy += double(y[i]) * y[i];
  EXPECT_LT(std::sqrt(energy / 15800), 0.01);  // the input's rms is 0.35
}

TEST(Resample, RatesWithoutASmallRatioStillWork) {
  // 16000 -> 15999 has 15999 phases, too many for the tap table: computed per sample instead.
  const auto y = resample(sine(500, 16000, 16000), 16000, 15999);
  ASSERT_EQ(y.size(), 15999u);
  const auto want = sine(500, 15999, 15999);
  double worst = 0;
  for (int i = 100; i < 15900; ++i) worst = std::max(worst, std::abs(double(y[i]) - want[i]));
  EXPECT_LT(worst, 0.01);
}

TEST(Resample, SameRateIsACopy) {
  const auto x = sine(440, 16000, 100);
  EXPECT_EQ(resample(x, 16000, 16000), x);
}

}  // namespace
}  // namespace hwnas::data
