#include "hwnas/data/resample.h"

#include <cmath>
#include <numbers>

#include "hwnas/core/error.h"

namespace hwnas::data {

std::vector<float> resample(std::span<const float> x, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) fail("resample", "rates must be positive, got {} and {} Hz", from_rate, to_rate);
  if (from_rate == to_rate) return {x.begin(), x.end()};
  constexpr int kHalf = 16;  // taps on each side
  const double ratio = static_cast<double>(to_rate) / from_rate;
  const double cutoff = 0.95 * std::min(1.0, ratio);  // of the input Nyquist frequency
  const int64_t n_out = static_cast<int64_t>(x.size()) * to_rate / from_rate;
  const int64_t n_in = static_cast<int64_t>(x.size());
  std::vector<float> y(static_cast<size_t>(n_out));
  for (int64_t n = 0; n < n_out; ++n) {
    const double t = n / ratio;  // position in input samples
    const int64_t centre = static_cast<int64_t>(std::floor(t));
    double acc = 0;
    for (int64_t k = centre - kHalf + 1; k <= centre + kHalf; ++k) {
      if (k < 0 || k >= n_in) continue;  // zeros beyond the ends
      const double d = t - static_cast<double>(k);
      const double u = d / kHalf;
      if (std::abs(u) >= 1) continue;
      const double arg = std::numbers::pi * cutoff * d;
      const double sinc = d == 0 ? 1.0 : std::sin(arg) / arg;
      acc += x[static_cast<size_t>(k)] * cutoff * sinc * 0.5 * (1 + std::cos(std::numbers::pi * u));
    }
    y[static_cast<size_t>(n)] = static_cast<float>(acc);
  }
  return y;
}

}  // namespace hwnas::data
