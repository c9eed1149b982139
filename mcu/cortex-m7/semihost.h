/* Semihosting for programs run in QEMU (-semihosting-config enable=on,target=native): host
 * files, the host's stdout and the exit code, through BKPT 0xAB as Arm's semihosting spec
 * (v2) defines for M-profile cores. The same functions exist for the host build of a
 * program (../host/semihost_host.c, on stdio), so one C file runs in both places.
 *
 *   int fd = hwnas_sh_open("input.bin", HWNAS_SH_READ);   // relative to QEMU's working dir
 *   long n = hwnas_sh_read(fd, buf, sizeof buf);           // bytes read, -1 on error
 *   hwnas_sh_close(fd);
 *   hwnas_sh_puts("done\n");                               // to the runner's captured stdout
 *   return 3;                                              // main's value is QEMU's exit code
 */
#ifndef HWNAS_SEMIHOST_H
#define HWNAS_SEMIHOST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { HWNAS_SH_READ = 0, HWNAS_SH_WRITE = 1 }; /* binary read / binary write (truncate) */
enum { HWNAS_EXIT_FAULT = 0xFA };               /* exit code of a fault or stray interrupt */

int hwnas_sh_open(const char* path, int mode);               /* a descriptor, or -1 */
long hwnas_sh_read(int fd, void* buf, size_t len);           /* bytes read (0 at end), or -1 */
long hwnas_sh_write(int fd, const void* buf, size_t len);    /* bytes written, or -1 */
long hwnas_sh_flen(int fd);                                  /* file length, or -1 */
int hwnas_sh_close(int fd);                                  /* 0, or -1 */
void hwnas_sh_puts(const char* s);                           /* to stdout, no newline added */
__attribute__((noreturn)) void hwnas_sh_exit(int code);      /* ends the run with `code` */

#ifdef __cplusplus
}
#endif

#endif
