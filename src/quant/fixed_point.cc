#include "hwnas/quant/fixed_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hwnas/core/error.h"

namespace hwnas::quant {

Multiplier quantize_multiplier(double real_multiplier) {
  if (!std::isfinite(real_multiplier) || real_multiplier < 0)
    fail("quantize_multiplier", "the multiplier must be finite and >= 0, got {}", real_multiplier);
  if (real_multiplier == 0) return {};
  int shift = 0;
  const double q = std::frexp(real_multiplier, &shift);  // q in [0.5, 1)
  // std::round rounds half away from zero, as TfLiteRound does.
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (q_fixed == (int64_t{1} << 31)) {  // q rounded up to 1.0
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) return {};  // every bit would be shifted out: TFLite flushes to zero
  if (shift > 30)
    fail("quantize_multiplier", "multiplier {} is too large for a Q31 significand with shift <= 30", real_multiplier);
  return {static_cast<int32_t>(q_fixed), shift};
}

int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<int32_t>::max();
  const int64_t ab = int64_t{a} * int64_t{b};
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  // Division truncates toward zero; with the nudge, positive ties go up, negative ones toward zero.
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  if (exponent < 0 || exponent > 31) fail("rounding_divide_by_pot", "exponent {} outside [0, 31]", exponent);
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);  // >> of a negative: arithmetic (C++20)
}

int32_t multiply_by_quantized_multiplier(int32_t x, Multiplier m) {
  const int left = std::max(m.shift, 0), right = std::max(-m.shift, 0);
  const int64_t shifted = int64_t{x} * (int64_t{1} << left);
  const int32_t xs = static_cast<int32_t>(std::clamp<int64_t>(shifted, std::numeric_limits<int32_t>::min(),
                                                               std::numeric_limits<int32_t>::max()));
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(xs, m.value), right);
}

}  // namespace hwnas::quant
