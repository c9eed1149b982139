/* Start-up for QEMU's mps2-an500 (Cortex-M7): the vector table, the reset handler and the
 * few C library functions the compiler may call on its own. Freestanding: no newlib, no
 * heap. The reset handler copies .data from flash to SRAM, zeroes .bss, enables the FPU
 * (the code is built for -mfloat-abi=hard, and any FP instruction before this would fault),
 * calls main() and exits through semihosting with main's return value as QEMU's exit code.
 */
#include <stddef.h>
#include <stdint.h>

#include "semihost.h"

extern uint32_t __data_start__[], __data_end__[], __data_load__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top__[];

int main(void);
void hwnas_reset_handler(void);

/* Any fault or unexpected interrupt ends the run with a recognisable exit code rather than
 * spinning forever (the C++ runner reports 0xFA as "the program faulted"). */
static void hwnas_fault_handler(void) { hwnas_sh_exit(HWNAS_EXIT_FAULT); }

#define HWNAS_NUM_VECTORS (16 + 32) /* the system exceptions + the AN500's 32 IRQs */

__attribute__((section(".vectors"), used)) void (*const hwnas_vectors[HWNAS_NUM_VECTORS])(void) = {
    [0] = (void (*)(void))__stack_top__,  /* initial SP */
    [1] = hwnas_reset_handler,
    [2 ... HWNAS_NUM_VECTORS - 1] = hwnas_fault_handler,
};

/* The copy and zero loops are plain word loops: they run before .data and .bss exist, so
 * they must not call memcpy/memset (which GCC may substitute for such loops; see below). */
__attribute__((noreturn, optimize("no-tree-loop-distribute-patterns"))) void hwnas_reset_handler(void) {
  for (uint32_t *src = __data_load__, *dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start__; dst < __bss_end__;) *dst++ = 0;
  /* CPACR (0xE000ED88): full access to coprocessors 10 and 11, the FPU. */
  *(volatile uint32_t*)0xE000ED88 |= (0xFu << 20);
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  hwnas_sh_exit(main());
}

/* GCC emits calls to these for struct copies and recognised loops even in freestanding code.
 * no-tree-loop-distribute-patterns keeps GCC from turning their own loops into calls to
 * themselves. */
#define HWNAS_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

HWNAS_NO_LIBCALL void* memcpy(void* restrict dst, const void* restrict src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  while (n--) *d++ = *s++;
  return dst;
}

HWNAS_NO_LIBCALL void* memmove(void* dst, const void* src, size_t n) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

HWNAS_NO_LIBCALL void* memset(void* dst, int c, size_t n) {
  unsigned char* d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

HWNAS_NO_LIBCALL int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; --n, ++x, ++y)
    if (*x != *y) return *x - *y;
  return 0;
}

HWNAS_NO_LIBCALL size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}
