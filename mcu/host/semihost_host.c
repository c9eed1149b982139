/* The semihosting API of ../cortex-m7/semihost.h on a POSIX host, so that a program written
 * for the Cortex-M7 in QEMU also builds and runs with the host's C compiler (to compare the
 * two outputs byte for byte). Paths are relative to the current directory, as QEMU's are. */
#define _POSIX_C_SOURCE 200809L
#include "semihost.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hwnas_sh_open(const char* path, int mode) {
  return mode == HWNAS_SH_WRITE ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(path, O_RDONLY);
}

long hwnas_sh_read(int fd, void* buf, size_t len) {
  size_t done = 0;
  while (done < len) { /* like SYS_READ: as much as asked for unless the file ends */
    const ssize_t n = read(fd, (char*)buf + done, len - done);
    if (n < 0) return -1;
    if (n == 0) break;
    done += (size_t)n;
  }
  return (long)done;
}

long hwnas_sh_write(int fd, const void* buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    const ssize_t n = write(fd, (const char*)buf + done, len - done);
    if (n <= 0) return -1;
    done += (size_t)n;
  }
  return (long)len;
}

long hwnas_sh_flen(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? (long)st.st_size : -1;
}

int hwnas_sh_close(int fd) { return close(fd) == 0 ? 0 : -1; }

void hwnas_sh_puts(const char* s) { hwnas_sh_write(STDOUT_FILENO, s, strlen(s)); }

void hwnas_sh_exit(int code) { exit(code); }
