/* Loops whose Cortex-M7 cycles follow by hand from the issue rules of m7_timing.h, for the trace
 * and timing tests. Each is called between two hwnas_mcu_icount() marks with n iterations and
 * prints "name n count", count = instructions between the marks less the call overhead. */
#include <stdint.h>

#include "icount.h"
#include "put_u64.h"
#include "semihost.h"

/* 8 independent adds in 4 registers, then subs/bne: 10 instructions, pairs -> 5 cycles. */
__attribute__((naked, noinline)) static void alu_pairs(uint32_t n) {
  (void)n;
  __asm__ volatile(
      "1: add r1, r1, #1\n   add r2, r2, #1\n   add r3, r3, #1\n   add r12, r12, #1\n"
      "   add r1, r1, #1\n   add r2, r2, #1\n   add r3, r3, #1\n   add r12, r12, #1\n"
      "   subs r0, r0, #1\n   bne 1b\n   bx lr\n");
}

/* 8 adds each reading the last: one per cycle, the 8th pairs with subs, bne alone -> 9. */
__attribute__((naked, noinline)) static void alu_chain(uint32_t n) {
  (void)n;
  __asm__ volatile(
      "1: add r1, r1, #1\n   add r1, r1, #1\n   add r1, r1, #1\n   add r1, r1, #1\n"
      "   add r1, r1, #1\n   add r1, r1, #1\n   add r1, r1, #1\n   add r1, r1, #1\n"
      "   subs r0, r0, #1\n   bne 1b\n   bx lr\n");
}

/* 8 SMLADs into two accumulators: the MAC pipeline takes one per cycle, the last pairs with
 * subs, bne alone -> 9. */
__attribute__((naked, noinline)) static void smlad_stream(uint32_t n) {
  (void)n;
  __asm__ volatile(
      "1: smlad r1, r2, r3, r1\n   smlad r12, r2, r3, r12\n   smlad r1, r2, r3, r1\n   smlad r12, r2, r3, r12\n"
      "   smlad r1, r2, r3, r1\n   smlad r12, r2, r3, r12\n   smlad r1, r2, r3, r1\n   smlad r12, r2, r3, r12\n"
      "   subs r0, r0, #1\n   bne 1b\n   bx lr\n");
}

/* Each add uses the load before it: the load's result is two cycles away, the add then pairs
 * with the next load -> ldr | | add ldr | | add ldr | | add ldr | | add subs | bne = 10. */
__attribute__((naked, noinline)) static void load_use(uint32_t n) {
  (void)n;
  __asm__ volatile(
      "   mov r2, sp\n"
      "1: ldr r1, [r2]\n   add r3, r3, r1\n   ldr r1, [r2]\n   add r3, r3, r1\n"
      "   ldr r1, [r2]\n   add r3, r3, r1\n   ldr r1, [r2]\n   add r3, r3, r1\n"
      "   subs r0, r0, #1\n   bne 1b\n   bx lr\n");
}


typedef void (*kernel)(uint32_t);

int main(void) {
  static const kernel kernels[] = {alu_pairs, alu_chain, smlad_stream, load_use};
  static const char* const names[] = {"alu_pairs", "alu_chain", "smlad_stream", "load_use"};
  static const uint32_t ns[] = {1, 10, 100};
  const uint64_t overhead = hwnas_mcu_icount_overhead();
  for (unsigned k = 0; k < sizeof kernels / sizeof kernels[0]; ++k)
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; ++i) {
      const uint64_t t0 = hwnas_mcu_icount();
      kernels[k](ns[i]);
      const uint64_t t1 = hwnas_mcu_icount();
      hwnas_sh_puts(names[k]);
      hwnas_sh_puts(" ");
      put_u64(ns[i]);
      hwnas_sh_puts(" ");
      put_u64(t1 - t0 - overhead);
      hwnas_sh_puts("\n");
    }
  return 0;
}
