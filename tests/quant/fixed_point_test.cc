// Requantization against values worked out by hand from the definitions (fixed_point.h).
#include "hwnas/quant/fixed_point.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"

namespace hwnas::quant {
namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

TEST(QuantizeMultiplier, ExactPowersOfTwo) {
  // 1.0 = 0.5 * 2^1: significand 0.5 -> 2^30, shift 1.
  EXPECT_EQ(quantize_multiplier(1.0), (Multiplier{1 << 30, 1}));
  // 0.25 = 0.5 * 2^-1.
  EXPECT_EQ(quantize_multiplier(0.25), (Multiplier{1 << 30, -1}));
  EXPECT_EQ(quantize_multiplier(0.0), (Multiplier{0, 0}));
}

TEST(QuantizeMultiplier, RoundsTheSignificandTo31Bits) {
  // 0.3 = 0.6 * 2^-1; 0.6 * 2^31 = 1288490188.8 -> 1288490189.
  EXPECT_EQ(quantize_multiplier(0.3), (Multiplier{1288490189, -1}));
  // 0.75 * 2^31 = 1610612736 exactly, shift 0.
  EXPECT_EQ(quantize_multiplier(0.75), (Multiplier{1610612736, 0}));
  // A significand that rounds up to 2^31 renormalises: (1 - 2^-40) * 2^31 rounds to 2^31,
  // so it becomes 2^30 with shift + 1 (1 - 2^-40 = 0.99.. * 2^0 -> 0.5 * 2^1).
  EXPECT_EQ(quantize_multiplier(1.0 - std::ldexp(1.0, -40)), (Multiplier{1 << 30, 1}));
}

TEST(QuantizeMultiplier, TinyScalesFlushToZeroAndBadOnesThrow) {
  // 2^-31 = 0.5 * 2^-30: still representable (shift -30).
  EXPECT_EQ(quantize_multiplier(std::ldexp(1.0, -31)), (Multiplier{1 << 30, -30}));
  // 2^-33 = 0.5 * 2^-32: shift < -31, flushed to zero as TFLite does.
  EXPECT_EQ(quantize_multiplier(std::ldexp(1.0, -33)), (Multiplier{0, 0}));
  EXPECT_THROW(quantize_multiplier(-0.5), Error);
  EXPECT_THROW(quantize_multiplier(std::nan("")), Error);
  EXPECT_THROW(quantize_multiplier(std::ldexp(1.0, 40)), Error);
}

TEST(FixedPoint, SaturatingRoundingDoublingHighMul) {
  // round(a * b / 2^31): 2^30 * 2^30 / 2^31 = 2^29.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(1 << 30, 1 << 30), 1 << 29);
  // 3 * 2^30 / 2^31 = 1.5 -> 2. A negative tie goes toward zero: the nudge is 1 - 2^30, so
  // (-3 * 2^30 + 1 - 2^30) / 2^31 = -1.99.. truncates to -1 (not -2).
  EXPECT_EQ(saturating_rounding_doubling_high_mul(3, 1 << 30), 2);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-3, 1 << 30), -1);
  // 5 * 2^29 / 2^31 = 1.25 -> 1; -1.25 -> -1.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(5, 1 << 29), 1);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-5, 1 << 29), -1);
  // The only overflow: (-2^31)^2 / 2^31 = 2^31 > INT32_MAX, saturates.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin, kMin), kMax);
  // -2^31 * (2^31 - 1) / 2^31 = -(2^31 - 1) exactly.
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin, kMax), -kMax);
}

TEST(FixedPoint, RoundingDivideByPowerOfTwo) {
  EXPECT_EQ(rounding_divide_by_pot(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(rounding_divide_by_pot(-5, 1), -3);  // -2.5 -> -3 (away from zero)
  EXPECT_EQ(rounding_divide_by_pot(7, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(rounding_divide_by_pot(-7, 2), -2);  // -1.75 -> -2
  EXPECT_EQ(rounding_divide_by_pot(-6, 2), -2);  // -1.5 -> -2
  EXPECT_EQ(rounding_divide_by_pot(-5, 2), -1);  // -1.25 -> -1
  EXPECT_EQ(rounding_divide_by_pot(9, 0), 9);
  EXPECT_EQ(rounding_divide_by_pot(kMin, 31), -1);
  EXPECT_THROW(rounding_divide_by_pot(1, 32), Error);
}

TEST(FixedPoint, MultiplyByQuantizedMultiplier) {
  // Scale 1.0 is the identity, for any value.
  const Multiplier one = quantize_multiplier(1.0);
  for (int32_t x : {0, 1, -1, 127, -128, 123456, -123456}) EXPECT_EQ(multiply_by_quantized_multiplier(x, one), x);
  // 0.25: 10 -> 2.5 -> 3, -10 -> -3.
  const Multiplier quarter = quantize_multiplier(0.25);
  EXPECT_EQ(multiply_by_quantized_multiplier(10, quarter), 3);
  EXPECT_EQ(multiply_by_quantized_multiplier(-10, quarter), -3);
  // 0.3 as {1288490189, -1}: 1000 * 1288490189 / 2^31 = 600.0000002 -> 600, / 2 = 300.
  EXPECT_EQ(multiply_by_quantized_multiplier(1000, quantize_multiplier(0.3)), 300);
  // Two roundings: 1001 * 0.3 = 300.3, but the high mul gives round(1001 * 0.6) = round(600.6) = 601
  // and 601 / 2 = 300.5 rounds away from zero to 301. TFLite gives 301; so must we.
  EXPECT_EQ(multiply_by_quantized_multiplier(1001, quantize_multiplier(0.3)), 301);
  // 1005 * 0.3 = 301.5: high mul 603.0000003 -> 603, / 2 = 301.5 -> 302; negated, -302.
  EXPECT_EQ(multiply_by_quantized_multiplier(1005, quantize_multiplier(0.3)), 302);
  EXPECT_EQ(multiply_by_quantized_multiplier(-1005, quantize_multiplier(0.3)), -302);
  // 3.0 = 0.75 * 2^2: left shift 2 then * 0.75: 7 * 4 = 28, 28 * 0.75 = 21.
  EXPECT_EQ(multiply_by_quantized_multiplier(7, quantize_multiplier(3.0)), 21);
  // A flushed multiplier gives 0.
  EXPECT_EQ(multiply_by_quantized_multiplier(kMax, quantize_multiplier(std::ldexp(1.0, -40))), 0);
}

}  // namespace
}  // namespace hwnas::quant
