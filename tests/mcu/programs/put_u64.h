/* Prints an unsigned 64-bit number through semihosting (no C library here). */
#ifndef HWNAS_TEST_PUT_U64_H
#define HWNAS_TEST_PUT_U64_H
#include <stdint.h>

#include "semihost.h"

static void put_u64(uint64_t v) {
  char buf[24], *p = buf + sizeof buf;
  *--p = 0;
  do *--p = (char)('0' + v % 10);
  while (v /= 10);
  hwnas_sh_puts(p);
}
#endif
