#pragma once
// mcu::build_elf: compiles and links C sources into an ELF for QEMU's mps2-an500 (Cortex-M7),
// together with the target files (start-up, semihosting, instruction counter) and the AN500
// linker script. Freestanding: no C library, no heap; the target folder provides memcpy,
// memmove, memset, memcmp and strlen, and libgcc the rest. Only the compiler's own headers are seen
// (stdint.h, stddef.h, arm_acle.h, ...), so a build does not depend on newlib being installed.
//
//   mcu::build_elf(tc, {.sources = {"model.c", "main.c"}, .include_dirs = {"gen"},
//                       .flags = {"-DNDEBUG"}, .output = "out/model.elf"});
//
// Throws hwnas::Error with the compiler's diagnostics when the build fails; the output is
// written under a temporary name and renamed, so a failed build never leaves an ELF behind.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/mcu/toolchain.h"

namespace hwnas::mcu {

struct BuildOptions {
  std::vector<std::filesystem::path> sources;       // .c (or .S) files of the program
  std::vector<std::filesystem::path> include_dirs;  // -I; the target folder is always added
  std::vector<std::string> flags;                   // extra compiler/linker flags, after the fixed ones
  std::filesystem::path output;                     // the ELF to write
  uint32_t stack_bytes = 16 * 1024;                 // the .stack section the linker reserves
  double timeout_s = 120;                           // for the compiler
};

// The code-generation flags every object is built with (the Cortex-M7 with its FPU, hard-float ABI).
std::vector<std::string> cortex_m7_flags();

void build_elf(const Toolchain& tc, const BuildOptions& options);

}  // namespace hwnas::mcu
