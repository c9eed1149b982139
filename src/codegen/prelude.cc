// The C helpers every generated model starts with. hwnas_srdhm, hwnas_rdbp and hwnas_mbqm are
// quant/fixed_point.h's saturating_rounding_doubling_high_mul, rounding_divide_by_pot and
// multiply_by_quantized_multiplier, operation for operation, except that the high multiply's
// division by 2^31 (which truncates toward zero) is an arithmetic shift after adding 2^31 - 1
// to a negative dividend, so that the Cortex-M7 does not call libgcc's 64-bit division, and
// the left shift is skipped when it is 0: the same integer for every input.
#include "emit.h"

namespace hwnas::codegen::detail {

std::string prelude() {
  return R"(#if defined(__ARM_FEATURE_DSP) && !defined(HWNAS_NO_DSP)
#include <arm_acle.h>
#define HWNAS_DSP 1
/* SXTB16 of x rotated right by 8: bytes 1 and 3. One instruction (GCC 12 does not fold the
 * rotation into __sxtb16's operand by itself). */
static inline int32_t hwnas_sxtb16_ror8(uint32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
/* Two adjacent int16 values as one word (the M7 loads it unaligned). */
static inline int32_t hwnas_load_pair(const int16_t* p) {
  int32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}
#endif

static inline int32_t hwnas_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const int64_t ab = (int64_t)a * (int64_t)b;
  int64_t v = ab + (ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30)));
  if (v < 0) v += ((int64_t)1 << 31) - 1; /* so that >> 31 truncates toward zero, as / 2^31 does */
  return (int32_t)(v >> 31);
}

static inline int32_t hwnas_rdbp(int32_t x, int exponent) {
  const int32_t mask = (int32_t)((1u << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static inline int32_t hwnas_mbqm(int32_t x, int32_t multiplier, int shift) {
  if (shift > 0) { /* x * 2^shift, saturated */
    const int64_t s = (int64_t)x * ((int64_t)1 << shift);
    x = s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
  }
  return hwnas_rdbp(hwnas_srdhm(x, multiplier), shift > 0 ? 0 : -shift);
}

/* hwnas_mbqm for the common layer whose multipliers are all < 1 (shift <= 0, right = -shift):
 * no left shift, and since a multiplier is never INT32_MIN (quantize_multiplier gives it in
 * [2^30, 2^31) or 0) the high multiply's one saturating case cannot occur. The generator uses
 * it only when every shift of the layer is <= 0; then it equals hwnas_mbqm bit for bit. */
static inline int32_t hwnas_mbqm_right(int32_t x, int32_t multiplier, int right) {
  const int64_t ab = (int64_t)x * (int64_t)multiplier;
  int64_t v = ab + (ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30)));
  if (v < 0) v += ((int64_t)1 << 31) - 1;
  return hwnas_rdbp((int32_t)(v >> 31), right);
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

/* *a0 += w0 . x and *a1 += w1 . x over n terms, x the widened inputs (x - zero point, int16).
 * With the DSP extension the weights are stored with each group of four bytes permuted to
 * w0 w2 w1 w3 (the generator does it), so that SXTB16 of a word gives the int16 pair
 * (w0, w1) and SXTB16 of it rotated by 8 gives (w2, w3), matching the input pairs (x0, x1)
 * and (x2, x3): each SMLAD adds two products, two output channels share every input load
 * (as CMSIS-NN's kernels do). Every product is at most 127 * 255 = 32385 in magnitude, so
 * an int32 sum of fewer than 2^31 / 32385 = 66311 products cannot overflow (the generator
 * checks the count), and integer addition in any order equals the portable loop's sum. */
static inline __attribute__((always_inline)) void hwnas_dot2(const int16_t* x, const int8_t* w0, const int8_t* w1, int n, int32_t* a0,
                              int32_t* a1) {
  int32_t s0 = *a0, s1 = *a1;
  int rest = n;
#ifdef HWNAS_DSP
  for (; rest >= 4; rest -= 4, x += 4, w0 += 4, w1 += 4) {
    int32_t x01, x23;
    uint32_t u0, u1;
    __builtin_memcpy(&x01, x, 4);
    __builtin_memcpy(&x23, x + 2, 4);
    __builtin_memcpy(&u0, w0, 4);
    __builtin_memcpy(&u1, w1, 4);
    s0 = __smlad(__sxtb16((int32_t)u0), x01, s0);
    s0 = __smlad(hwnas_sxtb16_ror8(u0), x23, s0);
    s1 = __smlad(__sxtb16((int32_t)u1), x01, s1);
    s1 = __smlad(hwnas_sxtb16_ror8(u1), x23, s1);
  }
#endif
  for (; rest > 0; --rest) {
    s0 += (int32_t)(*w0++) * *x;
    s1 += (int32_t)(*w1++) * *x++;
  }
  *a0 = s0;
  *a1 = s1;
}

/* Two pixels by two channels: a[0] += w0.xa, a[1] += w1.xa, a[2] += w0.xb, a[3] += w1.xb.
 * Each weight word is loaded and widened once for both pixels (CMSIS-NN's 2x2 kernel). */
static inline __attribute__((always_inline)) void hwnas_dot4(const int16_t* xa, const int16_t* xb,
                                                             const int8_t* w0, const int8_t* w1, int n,
                                                             int32_t* a) {
  int32_t s0 = a[0], s1 = a[1], s2 = a[2], s3 = a[3];
  int rest = n;
#ifdef HWNAS_DSP
  for (; rest >= 4; rest -= 4, xa += 4, xb += 4, w0 += 4, w1 += 4) {
    int32_t a01, a23, b01, b23;
    uint32_t u0, u1;
    __builtin_memcpy(&a01, xa, 4);
    __builtin_memcpy(&a23, xa + 2, 4);
    __builtin_memcpy(&b01, xb, 4);
    __builtin_memcpy(&b23, xb + 2, 4);
    __builtin_memcpy(&u0, w0, 4);
    __builtin_memcpy(&u1, w1, 4);
    const int32_t w0lo = __sxtb16((int32_t)u0), w0hi = hwnas_sxtb16_ror8(u0);
    const int32_t w1lo = __sxtb16((int32_t)u1), w1hi = hwnas_sxtb16_ror8(u1);
    s0 = __smlad(w0lo, a01, s0);
    s0 = __smlad(w0hi, a23, s0);
    s1 = __smlad(w1lo, a01, s1);
    s1 = __smlad(w1hi, a23, s1);
    s2 = __smlad(w0lo, b01, s2);
    s2 = __smlad(w0hi, b23, s2);
    s3 = __smlad(w1lo, b01, s3);
    s3 = __smlad(w1hi, b23, s3);
  }
#endif
  for (; rest > 0; --rest) {
    const int32_t v0 = *w0++, v1 = *w1++;
    s0 += v0 * *xa;
    s1 += v1 * *xa++;
    s2 += v0 * *xb;
    s3 += v1 * *xb++;
  }
  a[0] = s0;
  a[1] = s1;
  a[2] = s2;
  a[3] = s3;
}

/* Requantization of one accumulator: hwnas_mbqm_right when the layer's shifts are all <= 0
 * (`right_only`, a literal at every call, so the branch folds away). */
static inline __attribute__((always_inline)) int32_t hwnas_requant(int32_t acc, int32_t mult, int shift,
                                                                   int right_only) {
  return right_only ? hwnas_mbqm_right(acc, mult, -shift) : hwnas_mbqm(acc, mult, shift);
}

/* The `oc` outputs of one pixel (or one FC row) from its `k` widened inputs: weights
 * [oc][k], per-channel bias, multiplier and shift; two channels at a time. Always inlined, so
 * that each operator's copy has its k and oc as constants. */
static inline __attribute__((always_inline)) void hwnas_channels(const int16_t* x, const int8_t* w,
                                                                 const int32_t* bias, const int32_t* mult,
                                                                 const int8_t* shift, int right_only, int k, int oc,
                                                                 int32_t zp_out, int32_t lo, int32_t hi, int8_t* y) {
  int co = 0;
  for (; co + 2 <= oc; co += 2) {
    int32_t a0 = bias[co], a1 = bias[co + 1];
    hwnas_dot2(x, w + co * k, w + (co + 1) * k, k, &a0, &a1);
    y[co] = hwnas_clamp(hwnas_requant(a0, mult[co], shift[co], right_only) + zp_out, lo, hi);
    y[co + 1] = hwnas_clamp(hwnas_requant(a1, mult[co + 1], shift[co + 1], right_only) + zp_out, lo, hi);
  }
  if (co < oc) {
    int32_t a0 = bias[co], unused = 0;
    hwnas_dot2(x, w + co * k, w + co * k, k, &a0, &unused);
    y[co] = hwnas_clamp(hwnas_requant(a0, mult[co], shift[co], right_only) + zp_out, lo, hi);
  }
}

/* hwnas_channels for two pixels at once (xa -> ya, xb -> yb), sharing the weight loads. */
static inline __attribute__((always_inline)) void hwnas_channels2(const int16_t* xa, const int16_t* xb,
                                                                  const int8_t* w, const int32_t* bias,
                                                                  const int32_t* mult, const int8_t* shift,
                                                                  int right_only, int k, int oc, int32_t zp_out,
                                                                  int32_t lo, int32_t hi, int8_t* ya, int8_t* yb) {
  int co = 0;
  for (; co + 2 <= oc; co += 2) {
    int32_t a[4] = {bias[co], bias[co + 1], bias[co], bias[co + 1]};
    hwnas_dot4(xa, xb, w + co * k, w + (co + 1) * k, k, a);
    ya[co] = hwnas_clamp(hwnas_requant(a[0], mult[co], shift[co], right_only) + zp_out, lo, hi);
    ya[co + 1] = hwnas_clamp(hwnas_requant(a[1], mult[co + 1], shift[co + 1], right_only) + zp_out, lo, hi);
    yb[co] = hwnas_clamp(hwnas_requant(a[2], mult[co], shift[co], right_only) + zp_out, lo, hi);
    yb[co + 1] = hwnas_clamp(hwnas_requant(a[3], mult[co + 1], shift[co + 1], right_only) + zp_out, lo, hi);
  }
  if (co < oc) {
    int32_t a[4] = {bias[co], 0, bias[co], 0};
    hwnas_dot4(xa, xb, w + co * k, w + co * k, k, a);
    ya[co] = hwnas_clamp(hwnas_requant(a[0], mult[co], shift[co], right_only) + zp_out, lo, hi);
    yb[co] = hwnas_clamp(hwnas_requant(a[2], mult[co], shift[co], right_only) + zp_out, lo, hi);
  }
}

)";
}

}  // namespace hwnas::codegen::detail
