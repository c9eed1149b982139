/* The instruction counter across a wrap of the 32-bit FPGAIO COUNTER. The same measurement of
 * a hand-counted loop (4 instructions x 10000) runs twice: once plainly, once after the
 * COUNTER was set 4096 counts (1280 instructions) short of 2^32, so that it wraps during the
 * loop. Prints "plain wrapped"; hwnas_mcu_icount() must extend the counter so that the two
 * agree (its wrap branch runs after its counter read, outside the measured interval). */
#include <stdint.h>

#include "icount.h"
#include "put_u64.h"
#include "semihost.h"

#define FPGAIO_COUNTER (*(volatile uint32_t*)0x40028018u)

__attribute__((naked, noinline)) static void loop4(uint32_t n) {
  (void)n;
  __asm__ volatile(
      "1: subs r0, r0, #1\n"
      "   nop\n"
      "   nop\n"
      "   bne 1b\n"
      "   bx lr\n");
}

__attribute__((noinline)) static uint64_t measure(uint32_t n) {
  const uint64_t t0 = hwnas_mcu_icount();
  loop4(n);
  return hwnas_mcu_icount() - t0;
}

int main(void) {
  const uint64_t plain = measure(10000);
  FPGAIO_COUNTER = 0xFFFFF000u;
  const uint64_t wrapped = measure(10000);
  put_u64(plain);
  hwnas_sh_puts(" ");
  put_u64(wrapped);
  hwnas_sh_puts("\n");
  return 0;
}
