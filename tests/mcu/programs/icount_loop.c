/* Hand-counted loops for the instruction counter. loop4 runs 4 instructions per iteration
 * (subs, nop, nop, bne) and loop7 runs 7 (subs, 5 nops, bne); each returns with one bx lr.
 * Thumb-2 NOPs are real instructions that QEMU counts like any other. For each loop and n,
 * prints "k n count" where count = hwnas_mcu_icount() after - before - the call overhead,
 * so count = k*n + c, with c the few instructions of the call itself (mov, bl, bx lr, ...). */
#include <stdint.h>

#include "icount.h"
#include "put_u64.h"
#include "semihost.h"

__attribute__((naked, noinline)) static void loop4(uint32_t n) {
  (void)n;
  __asm__ volatile(
      "1: subs r0, r0, #1\n"
      "   nop\n"
      "   nop\n"
      "   bne 1b\n"
      "   bx lr\n");
}

__attribute__((naked, noinline)) static void loop7(uint32_t n) {
  (void)n;
  __asm__ volatile(
      "1: subs r0, r0, #1\n"
      "   nop\n   nop\n   nop\n   nop\n   nop\n"
      "   bne 1b\n"
      "   bx lr\n");
}


static void report(int k, uint32_t n, uint64_t count) {
  put_u64((uint64_t)k);
  hwnas_sh_puts(" ");
  put_u64(n);
  hwnas_sh_puts(" ");
  put_u64(count);
  hwnas_sh_puts("\n");
}

int main(void) {
  static const uint32_t ns[] = {1, 10, 1000, 100000, 3000000};
  const uint64_t overhead = hwnas_mcu_icount_overhead();
  for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; ++i) {
    uint64_t t0 = hwnas_mcu_icount();
    loop4(ns[i]);
    uint64_t t1 = hwnas_mcu_icount();
    report(4, ns[i], t1 - t0 - overhead);
    t0 = hwnas_mcu_icount();
    loop7(ns[i]);
    t1 = hwnas_mcu_icount();
    report(7, ns[i], t1 - t0 - overhead);
  }
  return 0;
}
