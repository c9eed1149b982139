// The C helpers every generated model starts with. hwnas_srdhm, hwnas_rdbp and hwnas_mbqm are
// quant/fixed_point.h's saturating_rounding_doubling_high_mul, rounding_divide_by_pot and
// multiply_by_quantized_multiplier, operation for operation, except that the high multiply's
// division by 2^31 (which truncates toward zero) is written as shifts of the magnitude, so that
// the Cortex-M7 does not call libgcc's 64-bit division: the same integer for every input.
#include "emit.h"

namespace hwnas::codegen::detail {

std::string prelude() {
  return R"(#if defined(__ARM_FEATURE_DSP) && !defined(HWNAS_NO_DSP)
#include <arm_acle.h>
#define HWNAS_DSP 1
#endif

static inline int32_t hwnas_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const int64_t ab = (int64_t)a * (int64_t)b;
  const int64_t v = ab + (ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30)));
  /* v / 2^31 truncated toward zero */
  return (int32_t)(v >= 0 ? (v >> 31) : -((-v) >> 31));
}

static inline int32_t hwnas_rdbp(int32_t x, int exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static inline int32_t hwnas_mbqm(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int64_t s = (int64_t)x * ((int64_t)1 << left);
  const int32_t xs = s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
  return hwnas_rdbp(hwnas_srdhm(xs, multiplier), right);
}

static inline int8_t hwnas_clamp(int32_t v, int32_t lo, int32_t hi) {
  return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

/* Integer division rounded half away from zero (TFLite's average pool and mean). */
static inline int32_t hwnas_rounded_div(int32_t acc, int32_t count) {
  return acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
}

/* round(x) half away from zero, exactly as roundf, for |x| < 2^31 (no libm). */
static inline int32_t hwnas_round(float x) {
  int32_t i = (int32_t)x;        /* truncated */
  const float f = x - (float)i;  /* exact: the fraction of a float below 2^31 */
  if (f >= 0.5f) ++i;
  else if (f <= -0.5f) --i;
  return i;
}

/* acc + sum_k w[k] * (x[k] - zp). With the DSP extension, four pairs per step: SXTAB16 widens
 * bytes 0 and 2 (and, rotated, 1 and 3) to 16 bits while adding -zp (|x - zp| <= 255 fits),
 * SMLAD adds two 16x16 products to the accumulator. Every product is at most 127 * 255 = 32385
 * in magnitude, so int32 cannot overflow for n < 2^31 / 32385 = 66311 terms (the generator
 * checks it), and integer addition in any order gives the portable loop's sum exactly. */
static inline int32_t hwnas_dot(const int8_t* x, const int8_t* w, int n, int32_t zp, int32_t acc) {
#ifdef HWNAS_DSP
  const uint32_t offset = ((uint32_t)(uint16_t)(-zp) << 16) | (uint16_t)(-zp);
  for (; n >= 4; n -= 4, x += 4, w += 4) {
    uint32_t xv, wv;
    __builtin_memcpy(&xv, x, 4);
    __builtin_memcpy(&wv, w, 4);
    const int32_t x02 = __sxtab16((int32_t)offset, (int32_t)xv);
    const int32_t x13 = __sxtab16((int32_t)offset, (int32_t)((xv >> 8) | (xv << 24)));
    const int32_t w02 = __sxtb16((int32_t)wv);
    const int32_t w13 = __sxtb16((int32_t)((wv >> 8) | (wv << 24)));
    acc = __smlad(x02, w02, acc);
    acc = __smlad(x13, w13, acc);
  }
#endif
  for (; n > 0; --n) acc += (int32_t)(*w++) * ((int32_t)(*x++) - zp);
  return acc;
}

)";
}

}  // namespace hwnas::codegen::detail
