#include "hwnas/mcu/toolchain.h"

#include <cstdlib>

#include "hwnas/core/error.h"
#include "hwnas/core/subprocess.h"

namespace hwnas::mcu {
namespace {

struct Program {
  const char* name;
  const char* package;  // the Debian package that provides it
};
constexpr Program kCompiler{"arm-none-eabi-gcc", "gcc-arm-none-eabi"};
constexpr Program kQemu{"qemu-system-arm", "qemu-system-arm"};

// Files every build needs; their absence means a wrong HWNAS_MCU_DIR or a broken install.
constexpr const char* kTargetFiles[] = {"an500.ld", "startup.c", "semihost.c", "semihost.h", "icount.c", "icount.h"};

std::filesystem::path target_dir_or_error(std::string* error) {
  const auto dir = mcu_dir() / "cortex-m7";
  for (const char* f : kTargetFiles) {
    if (!std::filesystem::exists(dir / f)) {
      *error = fmt::format("{}: missing {} (set HWNAS_MCU_DIR to the mcu/ folder of the hwnas sources)",
                           dir.string(), f);
      return {};
    }
  }
  return dir;
}

}  // namespace

std::filesystem::path mcu_dir() {
  if (const char* env = std::getenv("HWNAS_MCU_DIR"); env && *env) return env;
  return HWNAS_MCU_SOURCE_DIR;
}

std::optional<Toolchain> Toolchain::find_if_present() {
  if (find_on_path(kCompiler.name).empty() || find_on_path(kQemu.name).empty()) return std::nullopt;
  return find();  // a missing target folder is a broken checkout or install: still an error
}

Toolchain Toolchain::find() {
  Toolchain tc;
  for (const auto& [program, out] : {std::pair{kCompiler, &tc.gcc}, std::pair{kQemu, &tc.qemu}}) {
    *out = find_on_path(program.name);
    if (out->empty())
      fail("mcu toolchain", "{} is not on PATH; install the Debian package {} (scripts/install-deps.sh does)",
           program.name, program.package);
  }
  std::string error;
  tc.target_dir = target_dir_or_error(&error);
  if (tc.target_dir.empty()) fail("mcu toolchain", "{}", error);
  return tc;
}

}  // namespace hwnas::mcu
