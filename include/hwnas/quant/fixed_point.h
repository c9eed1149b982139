#pragma once
// Fixed-point requantization exactly as TFLite's integer kernels do it (quantization_util.cc
// and kernels/internal/common.h, after gemmlowp): a real multiplier M > 0 is stored as an
// int32 Q0.31 significand in [2^30, 2^31) and a power-of-two exponent, M = m * 2^(shift - 31),
// and an int32 accumulator x is scaled by it with one rounding doubling high multiply and one
// rounding right shift. These four functions fix every rounding of the int8 kernels, so the
// generated C code must use the same ones bit for bit.
//
//   quant::Multiplier m = quant::quantize_multiplier(0.0123);  // {1690499128, -6}
//   int32_t y = quant::multiply_by_quantized_multiplier(acc, m);  // round(acc * 0.0123)
#include <cstdint>

namespace hwnas::quant {

struct Multiplier {
  int32_t value = 0;  // Q0.31 significand, in [2^30, 2^31) (0 for a zero multiplier)
  int shift = 0;      // exponent: > 0 shifts left, < 0 shifts right
  bool operator==(const Multiplier&) const = default;
};

// TFLite's QuantizeMultiplier: frexp, round the significand half away from zero to 31 bits,
// renormalise 2^31 to 2^30 with shift + 1; multipliers below ~2^-31 flush to {0, 0}.
// Throws hwnas::Error for a negative or non-finite multiplier, or one of 2^31 or more.
Multiplier quantize_multiplier(double real_multiplier);

// a * b / 2^31 rounded to nearest (gemmlowp's SaturatingRoundingDoublingHighMul). Its nudge makes
// ties go up for positive products and toward zero for negative ones (1.5 -> 2, -1.5 -> -1);
// the single overflowing case, INT32_MIN * INT32_MIN, saturates to INT32_MAX.
int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b);

// x / 2^exponent rounded to nearest, ties away from zero (exponent in [0, 31]).
int32_t rounding_divide_by_pot(int32_t x, int exponent);

// TFLite's MultiplyByQuantizedMultiplier: x * 2^max(shift, 0), doubling high multiply,
// then rounding_divide_by_pot(-min(shift, 0)). TFLite multiplies the left shift in int32
// and overflow is undefined there; here it saturates (no kernel of this module reaches it:
// only add's inputs are shifted left, by 20 bits on 9-bit values).
int32_t multiply_by_quantized_multiplier(int32_t x, Multiplier m);

}  // namespace hwnas::quant
