#include "hwnas/data/resample.h"

#include <cmath>
#include <numbers>
#include <numeric>

#include "hwnas/core/error.h"

namespace hwnas::data {
namespace {

constexpr int kHalf = 16;  // taps on each side

// The windowed-sinc weight of an input sample `d` input samples before the output position.
double tap(double d, double cutoff) {
  const double u = d / kHalf;
  if (std::abs(u) >= 1) return 0;
  const double arg = std::numbers::pi * cutoff * d;
  const double sinc = d == 0 ? 1.0 : std::sin(arg) / arg;
  return cutoff * sinc * 0.5 * (1 + std::cos(std::numbers::pi * u));
}

}  // namespace

std::vector<float> resample(std::span<const float> x, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) fail("resample", "rates must be positive, got {} and {} Hz", from_rate, to_rate);
  if (from_rate == to_rate) return {x.begin(), x.end()};
  const double ratio = static_cast<double>(to_rate) / from_rate;
  const double cutoff = 0.95 * std::min(1.0, ratio);  // of the input Nyquist frequency
  const int64_t n_out = static_cast<int64_t>(x.size()) * to_rate / from_rate;
  const int64_t n_in = static_cast<int64_t>(x.size());
  // Output n sits at input position n * up / down (rates reduced by their gcd): its fractional
  // part takes only `up` values, so the taps are computed once per phase (22.05 -> 16 kHz:
  // 320 phases), not once per output sample.
  const int g = std::gcd(from_rate, to_rate);
  const int64_t up = to_rate / g, down = from_rate / g;
  const bool table = up <= 4096;
  std::vector<double> taps;
  if (table) {
    taps.resize(static_cast<size_t>(up) * 2 * kHalf);
    for (int64_t p = 0; p < up; ++p)
      for (int j = 0; j < 2 * kHalf; ++j)  // input k = centre - kHalf + 1 + j, d = frac + kHalf - 1 - j
        taps[static_cast<size_t>(p) * 2 * kHalf + j] = tap(static_cast<double>(p) / up + kHalf - 1 - j, cutoff);
  }
  std::vector<float> y(static_cast<size_t>(n_out));
  for (int64_t n = 0; n < n_out; ++n) {
    const int64_t centre = n * down / up;  // floor of the input position
    const int64_t phase = n * down % up;
    double acc = 0;
    for (int j = 0; j < 2 * kHalf; ++j) {
      const int64_t k = centre - kHalf + 1 + j;
      if (k < 0 || k >= n_in) continue;  // zeros beyond the ends
      const double w = table ? taps[static_cast<size_t>(phase) * 2 * kHalf + j]
                             : tap(static_cast<double>(phase) / up + kHalf - 1 - j, cutoff);
      acc += x[static_cast<size_t>(k)] * w;
    }
    y[static_cast<size_t>(n)] = static_cast<float>(acc);
  }
  return y;
}

}  // namespace hwnas::data
