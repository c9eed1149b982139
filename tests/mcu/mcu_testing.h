#pragma once
// Helpers of the mcu tests: the toolchain (or a skip when it is genuinely not installed; CI
// installs it), the test programs in tests/mcu/programs/, and ELFs built from them.
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "hwnas/mcu/build.h"
#include "hwnas/mcu/toolchain.h"
#include "testing.h"

namespace hwnas::mcu::testing {

// A skip names what is missing; scripts/install-deps.sh installs both.
#define HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc)                                                                       \
  const auto tc##_found = ::hwnas::mcu::Toolchain::find_if_present();                                       \
  if (!tc##_found)                                                                                           \
    GTEST_SKIP() << "arm-none-eabi-gcc or qemu-system-arm not installed (Debian gcc-arm-none-eabi, "         \
                    "qemu-system-arm)";                                                                      \
  const ::hwnas::mcu::Toolchain& tc = *tc##_found

inline std::filesystem::path program(const std::string& name) {
  return hwnas::testing::source_dir() / "tests/mcu/programs" / name;
}

// Builds tests/mcu/programs/<name> into <dir>/<stem>.elf.
inline std::filesystem::path build_program(const Toolchain& tc, const std::string& name,
                                           const std::filesystem::path& dir) {
  const auto elf = dir / (std::filesystem::path(name).stem().string() + ".elf");
  build_elf(tc, {.sources = {program(name)}, .output = elf});
  return elf;
}

}  // namespace hwnas::mcu::testing
