/* Semihosting calls for Cortex-M (Arm "Semihosting for AArch32 and AArch64", v2): the
 * operation number in r0, a pointer to its argument block in r1, BKPT 0xAB; QEMU performs
 * the call on the host and returns the result in r0. */
#include "semihost.h"

#include <stdint.h>

enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_FLEN = 0x0C,
  SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
};
enum { ADP_Stopped_ApplicationExit = 0x20026 };

static inline intptr_t semihost_call(uintptr_t op, const void* args) {
  register uintptr_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = args;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return (intptr_t)r0;
}

static size_t length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

int hwnas_sh_open(const char* path, int mode) {
  /* fopen modes by index: 1 = "rb", 5 = "wb"; 4 = "w" on ":tt" is the console. */
  const uintptr_t args[3] = {(uintptr_t)path, mode == HWNAS_SH_WRITE ? 5u : 1u, length(path)};
  return (int)semihost_call(SYS_OPEN, args);
}

long hwnas_sh_read(int fd, void* buf, size_t len) {
  const uintptr_t args[3] = {(uintptr_t)fd, (uintptr_t)buf, len};
  const intptr_t not_read = semihost_call(SYS_READ, args); /* returns the bytes NOT read */
  return not_read < 0 || (size_t)not_read > len ? -1 : (long)(len - (size_t)not_read);
}

long hwnas_sh_write(int fd, const void* buf, size_t len) {
  const uintptr_t args[3] = {(uintptr_t)fd, (uintptr_t)buf, len};
  const intptr_t not_written = semihost_call(SYS_WRITE, args); /* the bytes NOT written */
  return not_written != 0 ? -1 : (long)len;
}

long hwnas_sh_flen(int fd) {
  const uintptr_t args[1] = {(uintptr_t)fd};
  return (long)semihost_call(SYS_FLEN, args);
}

int hwnas_sh_close(int fd) {
  const uintptr_t args[1] = {(uintptr_t)fd};
  return (int)semihost_call(SYS_CLOSE, args);
}

static int console = -1;

void hwnas_sh_puts(const char* s) {
  if (console < 0) {
    const uintptr_t args[3] = {(uintptr_t)":tt", 4, 3};
    console = (int)semihost_call(SYS_OPEN, args);
  }
  if (console >= 0) hwnas_sh_write(console, s, length(s));
}

void hwnas_sh_exit(int code) {
  /* SYS_EXIT_EXTENDED carries the code to QEMU's exit status; plain SYS_EXIT on 32-bit Arm
   * can only say success or failure, so it is the fallback should the first return. */
  const uintptr_t args[2] = {ADP_Stopped_ApplicationExit, (uintptr_t)code};
  semihost_call(SYS_EXIT_EXTENDED, args);
  semihost_call(SYS_EXIT, (const void*)(uintptr_t)(code == 0 ? ADP_Stopped_ApplicationExit : 0x20023));
  for (;;) {
  }
}
