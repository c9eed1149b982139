#include "hwnas/data/noise.h"

#include <bit>
#include <cmath>
#include <numbers>

namespace hwnas::data {

void scale_to_peak(std::vector<float>& x, float peak) {
  float m = 0;
  for (float v : x) m = std::max(m, std::abs(v));
  if (m > 0)
    for (float& v : x) v *= peak / m;
}

std::vector<float> white_noise(int64_t samples, Rng& rng, float peak) {
  std::vector<float> x(static_cast<size_t>(samples));
  for (auto& v : x) v = static_cast<float>(rng.uniform() * 2 - 1);
  scale_to_peak(x, peak);
  return x;
}

std::vector<float> pink_noise(int64_t samples, Rng& rng, float peak) {
  // Voss-McCartney: row r is redrawn every 2^r samples (at the sample whose lowest set bit
  // is r), so each row covers an octave and the sum falls at about 3 dB per octave.
  constexpr int kRows = 16;
  double rows[kRows];
  double sum = 0;
  for (double& r : rows) sum += (r = rng.uniform() * 2 - 1);
  std::vector<float> x(static_cast<size_t>(samples));
  for (int64_t i = 0; i < samples; ++i) {
    const uint64_t n = static_cast<uint64_t>(i) + 1;
    const int r = std::min(kRows - 1, std::countr_zero(n));
    sum -= rows[r];
    sum += (rows[r] = rng.uniform() * 2 - 1);
    x[static_cast<size_t>(i)] = static_cast<float>(sum + rng.uniform() * 2 - 1);
  }
  scale_to_peak(x, peak);
  return x;
}

std::vector<float> brown_noise(int64_t samples, Rng& rng, float peak) {
  // A random walk falls at 6 dB per octave; the leak (0.998) keeps it from drifting away,
  // which only flattens it below ~5 Hz.
  std::vector<float> x(static_cast<size_t>(samples));
  double v = 0;
  for (auto& s : x) s = static_cast<float>(v = 0.998 * v + (rng.uniform() * 2 - 1));
  scale_to_peak(x, peak);
  return x;
}

std::vector<float> hum_noise(int64_t samples, int sample_rate, double mains_hz, Rng& rng, float peak) {
  std::vector<float> x(static_cast<size_t>(samples));
  double phase[5];
  for (double& p : phase) p = rng.uniform() * 2 * std::numbers::pi;
  for (int64_t i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    double v = 0;
    for (int h = 1; h <= 5; ++h) v += std::sin(2 * std::numbers::pi * mains_hz * h * t + phase[h - 1]) / h;
    x[static_cast<size_t>(i)] = static_cast<float>(v + 0.05 * (rng.uniform() * 2 - 1));
  }
  scale_to_peak(x, peak);
  return x;
}

}  // namespace hwnas::data
