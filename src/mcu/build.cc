#include "hwnas/mcu/build.h"

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/core/subprocess.h"

namespace hwnas::mcu {
namespace {

// The compiler's own header folder (stdint.h, arm_acle.h, ...): with -nostdinc and only this
// folder, builds see no C library headers, installed or not.
std::filesystem::path compiler_include_dir(const Toolchain& tc) {
  const auto r = run_process({tc.gcc.string(), "-print-file-name=include"}, {}, 30);
  std::string dir = r.out;
  while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
  if (!r.exited_ok() || dir.empty() || !std::filesystem::is_directory(dir))
    fail(tc.gcc.string(), "cannot find its include folder (-print-file-name=include {}: '{}')", r.describe(), dir);
  return dir;
}

}  // namespace

std::vector<std::string> cortex_m7_flags() {
  return {"-mcpu=cortex-m7", "-mfpu=fpv5-d16", "-mfloat-abi=hard", "-mthumb", "-O2", "-ffunction-sections",
          "-fdata-sections",
          // No C library: freestanding, but GCC may still expand memcpy & co. inline (-fbuiltin).
          "-ffreestanding", "-fbuiltin", "-g"};
}

void build_elf(const Toolchain& tc, const BuildOptions& options) {
  const std::string where = options.output.string();
  if (options.output.empty()) fail("build_elf", "no output path given");
  if (options.sources.empty()) fail(where, "no sources to build");
  for (const auto& s : options.sources)
    if (!std::filesystem::is_regular_file(s)) fail(s.string(), "no such source file (building {})", where);
  for (const auto& d : options.include_dirs)
    if (!std::filesystem::is_directory(d)) fail(d.string(), "no such include folder (building {})", where);
  const auto parent = options.output.has_parent_path() ? options.output.parent_path() : ".";
  if (!std::filesystem::is_directory(parent)) fail(where, "the output folder {} does not exist", parent.string());

  // One compiler run compiles and links; it writes a temporary file that is renamed over the
  // output only when it succeeded, so the output is either the new ELF or untouched.
  const auto tmp = std::filesystem::path(where + ".tmp" + std::to_string(::getpid()));
  std::vector<std::string> argv = {tc.gcc.string()};
  for (auto& f : cortex_m7_flags()) argv.push_back(f);
  argv.push_back("-nostdinc");
  argv.push_back("-isystem" + compiler_include_dir(tc).string());
  argv.push_back("-I" + tc.target_dir.string());
  for (const auto& d : options.include_dirs) argv.push_back("-I" + d.string());
  for (const auto& f : options.flags) argv.push_back(f);
  for (const auto& s : options.sources) argv.push_back(s.string());
  for (const char* f : {"startup.c", "semihost.c", "icount.c"}) argv.push_back((tc.target_dir / f).string());
  for (const char* f : {"-nostartfiles", "-nostdlib", "-Wl,--gc-sections"}) argv.push_back(f);
  argv.push_back("-Wl,--defsym=HWNAS_STACK_SIZE=" + std::to_string(options.stack_bytes));
  argv.push_back("-T" + (tc.target_dir / "an500.ld").string());
  argv.push_back("-lgcc");  // 64-bit division and other helpers GCC calls
  argv.push_back("-o");
  argv.push_back(tmp.string());

  const auto r = run_process(argv, {}, options.timeout_s);
  std::error_code ec;
  if (!r.exited_ok()) {
    std::filesystem::remove(tmp, ec);
    std::string diagnostics = r.err.empty() ? r.out : r.err;
    while (!diagnostics.empty() && diagnostics.back() == '\n') diagnostics.pop_back();
    fail(where, "{} {} building it:\n{}", tc.gcc.filename().string(), r.describe(), diagnostics);
  }
  std::filesystem::rename(tmp, options.output, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    fail(where, "cannot write: {}", ec.message());
  }
}

}  // namespace hwnas::mcu
