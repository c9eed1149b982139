#pragma once
// mcu::Toolchain: the programs and files that build C for a Cortex-M7 and run it in QEMU.
//
//   const auto tc = mcu::Toolchain::find();   // throws, naming the missing program and its package
//   tc.gcc;          // /usr/bin/arm-none-eabi-gcc
//   tc.qemu;         // /usr/bin/qemu-system-arm
//   tc.target_dir;   // <source>/mcu/cortex-m7: startup.c, an500.ld, semihost.c/.h, icount.c/.h
//
// The target files are C compiled into every ELF (see build.h). They are found in the source
// tree's mcu/ folder (its path is compiled into the library), or in $HWNAS_MCU_DIR when set
// (an installed copy of that folder).
#include <filesystem>
#include <optional>

namespace hwnas::mcu {

struct Toolchain {
  std::filesystem::path gcc;         // arm-none-eabi-gcc
  std::filesystem::path qemu;        // qemu-system-arm
  std::filesystem::path target_dir;  // the Cortex-M7 start-up, linker script, semihosting, icount

  // Finds both programs on PATH and the target folder; throws hwnas::Error naming what is
  // missing and the Debian package that provides it (gcc-arm-none-eabi, qemu-system-arm).
  static Toolchain find();
  // The same, or nothing when a program is missing (for callers that can do without, such as
  // tests that skip); a missing target folder still throws.
  static std::optional<Toolchain> find_if_present();
};

// $HWNAS_MCU_DIR or the source tree's mcu/ folder (holding cortex-m7/ and host/).
std::filesystem::path mcu_dir();

}  // namespace hwnas::mcu
