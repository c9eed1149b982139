#pragma once
// mcu::run: runs an ELF built by build_elf() on QEMU's mps2-an500 (Cortex-M7) and returns its
// exit code and what it printed. Semihosting is on, so the program opens host files relative
// to `working_dir` and writes the host's stdout; QEMU runs with -icount shift=7, so its
// virtual clock counts instructions and hwnas_mcu_icount() (icount.h) reads them.
//
//   auto r = mcu::run(tc, "model.elf", "work", 30);
//   r.exit_code;   // main()'s return value (kFaultExitCode after a fault)
//   r.output;      // everything written with hwnas_sh_puts()
//   r.wall_s;
//
// Throws hwnas::Error naming the ELF when it is not a Cortex-M ELF, when QEMU cannot start
// or reports an error, and when the program does not exit within `timeout_s` (QEMU is killed).
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/mcu/toolchain.h"

namespace hwnas::mcu {

// The exit code of a program that took a fault or an unexpected interrupt (startup.c).
inline constexpr int kFaultExitCode = 0xFA;
// QEMU's -icount shift: 2^7 ns of virtual time per instruction (icount.h).
inline constexpr int kIcountShift = 7;

struct RunResult {
  int exit_code = 0;
  std::string output;       // the program's semihosting stdout
  std::string diagnostics;  // whatever QEMU wrote to stderr (normally nothing)
  double wall_s = 0;        // host time for the whole QEMU run
};

// The QEMU command line run() uses, for logs and for running it by hand.
std::vector<std::string> qemu_command(const Toolchain& tc, const std::filesystem::path& elf);

RunResult run(const Toolchain& tc, const std::filesystem::path& elf, const std::filesystem::path& working_dir,
              double timeout_s);

}  // namespace hwnas::mcu
