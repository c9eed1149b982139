#include "hwnas/mcu/qemu.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/mcu/elf.h"
#include "hwnas/core/subprocess.h"

namespace hwnas::mcu {
namespace {

// QEMU prefixes its own errors with its program name ("qemu-system-arm: could not load
// kernel ..."); the guest's output goes to stdout, so such a line on stderr is QEMU's.
bool qemu_reported_error(const std::string& err) {
  size_t at = 0;
  while (at < err.size()) {
    const size_t end = std::min(err.find('\n', at), err.size());
    const std::string_view line(err.data() + at, end - at);
    if (line.starts_with("qemu-system-arm:") && line.find("warning:") == std::string_view::npos) return true;
    at = end + 1;
  }
  return false;
}

}  // namespace

std::vector<std::string> qemu_command(const Toolchain& tc, const std::filesystem::path& elf) {
  return {tc.qemu.string(),
          "-machine", "mps2-an500", "-cpu", "cortex-m7",
          "-nographic", "-monitor", "none", "-serial", "none",
          "-semihosting-config", "enable=on,target=native",
          // The virtual clock advances 2^shift ns per instruction, which is what icount.h reads.
          "-icount", fmt::format("shift={},sleep=off", kIcountShift),
          "-kernel", std::filesystem::absolute(elf).string()};
}

RunResult run(const Toolchain& tc, const std::filesystem::path& elf, const std::filesystem::path& working_dir,
              double timeout_s) {
  const std::string where = elf.string();
  const auto sections = elf_sections(elf);  // a clear error for a missing or foreign file, before QEMU's
  bool has_vectors = false;
  for (const auto& s : sections) has_vectors |= s.name == ".vectors" && s.size > 0;
  if (!has_vectors) fail(where, "has no .vectors section: not built by mcu::build_elf for the mps2-an500");

  const auto r = run_process(qemu_command(tc, elf), working_dir, timeout_s);
  if (r.timed_out)
    fail(where, "did not exit within {} s in QEMU, which was killed (does main() return? {} printed so far: '{}')",
         timeout_s, r.out.size(), r.out.substr(0, 200));
  if (!r.exited()) fail(where, "QEMU {}; stderr: {}", r.describe(), r.err);
  if (r.exit_code() != 0 && qemu_reported_error(r.err)) fail(where, "QEMU could not run it: {}", r.err);
  return {.exit_code = r.exit_code(), .output = r.out, .diagnostics = r.err, .wall_s = r.wall_s};
}

}  // namespace hwnas::mcu
