/* Instruction counter from QEMU's icount virtual clock and the AN500 FPGA I/O COUNTER; see
 * icount.h for the arithmetic. */
#include "icount.h"

#define FPGAIO_COUNTER (*(volatile uint32_t*)0x40028018u) /* mps2 FPGAIO base 0x40028000 + 0x18 */
#define FPGAIO_HZ 25000000u                                /* QEMU mps2.c: prescale-clk */
#define NS_PER_COUNT (1000000000u / FPGAIO_HZ)             /* 40 */

static uint32_t last_count;
static uint64_t wraps; /* 2^32 multiples of the counter seen so far */

/* noinline: hwnas_mcu_icount_overhead() must measure the same call that programs make. */
__attribute__((noinline)) uint64_t hwnas_mcu_icount(void) {
  const uint32_t now = FPGAIO_COUNTER;
  if (now < last_count) wraps += 1ull << 32;
  last_count = now;
  const uint64_t counts = wraps + now;
  /* instructions = counts * 40 ns / 2^7 ns, rounded to the nearest (counts are floored). */
  return (counts * NS_PER_COUNT + (1u << (HWNAS_MCU_ICOUNT_SHIFT - 1))) >> HWNAS_MCU_ICOUNT_SHIFT;
}

uint64_t hwnas_mcu_icount_overhead(void) {
  const uint64_t a = hwnas_mcu_icount();
  const uint64_t b = hwnas_mcu_icount();
  return b - a;
}
