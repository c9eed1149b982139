/* An int8 matrix multiply with int32 accumulation, requantized to int8 with a fixed-point
 * multiplier and shift (TFLite's rounding), and a CRC-32 over the results. It reads
 * input.bin (A: M x K int8, then B: K x N int8, then bias: N int32 little-endian) and writes
 * output.bin (C: M x N int32, then the requantized M x N int8, then the CRC-32 of both,
 * all little-endian), and prints the CRC. Built for the Cortex-M7 (run in QEMU with
 * semihosting) and for the host (../../mcu/host/semihost_host.c), it must write the same bytes.
 * Exit codes: 0 done, 2 input missing or of the wrong size, 3 output not written. */
#include <stdint.h>

#include "semihost.h"

enum { M = 12, K = 40, N = 20 };

static int8_t a[M * K], b[K * N];
static int32_t bias[N], acc[M * N];
static int8_t q[M * N];
static uint8_t out[M * N * 4 + M * N + 4];

static uint32_t crc32(const uint8_t* p, uint32_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

/* round(x * multiplier / 2^31) with ties away from zero, then a rounding right shift: TFLite's
 * SaturatingRoundingDoublingHighMul and RoundingDivideByPOT. */
static int32_t requantize(int32_t x, int32_t multiplier, int shift) {
  const int64_t prod = (int64_t)x * multiplier;
  const int64_t nudge = prod >= 0 ? (1ll << 30) : 1 - (1ll << 30);
  int32_t high = (int32_t)((prod + nudge) / (1ll << 31));
  const int32_t mask = (1 << shift) - 1, remainder = high & mask;
  const int32_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  high = (high >> shift) + (remainder > threshold ? 1 : 0);
  return high;
}

static void put32(uint8_t* p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static char* hex32(uint32_t v, char* buf) {
  for (int i = 7; i >= 0; --i, v >>= 4) buf[i] = "0123456789abcdef"[v & 15];
  buf[8] = 0;
  return buf;
}

int main(void) {
  const int in = hwnas_sh_open("input.bin", HWNAS_SH_READ);
  if (in < 0) return 2;
  uint8_t raw_bias[N * 4];
  const int ok = hwnas_sh_flen(in) == M * K + K * N + N * 4 && hwnas_sh_read(in, a, sizeof a) == sizeof a &&
                 hwnas_sh_read(in, b, sizeof b) == sizeof b && hwnas_sh_read(in, raw_bias, sizeof raw_bias) == sizeof raw_bias;
  hwnas_sh_close(in);
  if (!ok) return 2;
  for (int j = 0; j < N; ++j)
    bias[j] = (int32_t)((uint32_t)raw_bias[4 * j] | (uint32_t)raw_bias[4 * j + 1] << 8 |
                        (uint32_t)raw_bias[4 * j + 2] << 16 | (uint32_t)raw_bias[4 * j + 3] << 24);

  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      int32_t s = bias[j];
      for (int k = 0; k < K; ++k) s += (int32_t)a[i * K + k] * (int32_t)b[k * N + j];
      acc[i * N + j] = s;
      int32_t v = requantize(s, 1518500250 /* 0.7071 * 2^31 */, 6) - 3; /* output zero point -3 */
      q[i * N + j] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }

  for (int i = 0; i < M * N; ++i) put32(out + 4 * i, (uint32_t)acc[i]);
  for (int i = 0; i < M * N; ++i) out[M * N * 4 + i] = (uint8_t)q[i];
  const uint32_t crc = crc32(out, M * N * 5);
  put32(out + M * N * 5, crc);

  const int fd = hwnas_sh_open("output.bin", HWNAS_SH_WRITE);
  if (fd < 0 || hwnas_sh_write(fd, out, sizeof out) != (long)sizeof out) return 3;
  hwnas_sh_close(fd);
  char buf[9];
  hwnas_sh_puts("crc32 ");
  hwnas_sh_puts(hex32(crc, buf));
  hwnas_sh_puts("\n");
  return 0;
}
