/* hwnas_mcu_icount(): instructions the core has retired since reset, when the program runs
 * in QEMU with -icount shift=7 (what the hwnas runner passes).
 *
 * How: with -icount shift=N, QEMU's virtual clock advances exactly 2^N ns per guest
 * instruction. The AN500's FPGA I/O block (0x40028000) has a 32-bit COUNTER that counts
 * its 25 MHz prescale clock (PRESCALE = 0 at reset: one count per 40 ns of virtual time).
 * So COUNTER = floor(instructions * 128 ns / 40 ns) and, since one instruction is 3.2
 * counts (> 1), instructions = round(COUNTER * 40 / 128) is exact: resolution 1 instruction.
 * The 32-bit COUNTER wraps every 2^32 counts = 1.34e9 instructions; the function extends it
 * to 64 bits, so calls must be less than 1.34e9 instructions apart.
 *
 * Use differences of two calls; a call itself costs a fixed number of instructions
 * (hwnas_mcu_icount_overhead() measures it once), which a difference includes once:
 *   uint64_t t0 = hwnas_mcu_icount(); op(); uint64_t n = hwnas_mcu_icount() - t0 - overhead;
 * Outside QEMU's icount mode (another shift, or real hardware) the figure is not meaningful.
 */
#ifndef HWNAS_ICOUNT_H
#define HWNAS_ICOUNT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HWNAS_MCU_ICOUNT_SHIFT 7 /* QEMU -icount shift: 2^7 = 128 ns of virtual time per instruction */

uint64_t hwnas_mcu_icount(void);
/* Instructions that a difference of two back-to-back calls counts with nothing between. */
uint64_t hwnas_mcu_icount_overhead(void);

#ifdef __cplusplus
}
#endif

#endif
