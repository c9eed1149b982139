// Host and Cortex-M7 runs of a generated model through its main_c() driver.
#include "hwnas/codegen/runner.h"

#include <cstdlib>
#include <cstring>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/subprocess.h"
#include "hwnas/mcu/build.h"
#include "hwnas/mcu/qemu.h"

namespace hwnas::codegen {
namespace fs = std::filesystem;
namespace {

// Writes the sources, main.c and input.bin into `dir`; returns the two C files to compile.
std::vector<fs::path> prepare(const GeneratedModel& g, const std::vector<std::vector<int8_t>>& inputs,
                              const fs::path& dir) {
  fs::create_directories(dir);
  const fs::path model_c = write_sources(g, dir);
  write_file_atomic(dir / "main.c", main_c(g));
  std::string bytes;
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (static_cast<int64_t>(inputs[k].size()) != g.input_bytes)
      fail(g.prefix, "input {} has {} bytes, the model takes {}", k, inputs[k].size(), g.input_bytes);
    bytes.append(reinterpret_cast<const char*>(inputs[k].data()), inputs[k].size());
  }
  write_file_atomic(dir / "input.bin", bytes);
  fs::remove(dir / "output.bin");
  return {model_c, dir / "main.c"};
}

std::vector<int8_t> read_outputs(const GeneratedModel& g, size_t count, const fs::path& dir, const std::string& where) {
  const std::string bytes = read_file(dir / "output.bin");
  if (bytes.size() != count * static_cast<size_t>(g.output_bytes))
    fail(where, "wrote {} output bytes for {} inputs of {} output bytes each", bytes.size(), count, g.output_bytes);
  return {bytes.begin(), bytes.end()};
}

// Runs the ELF once more on `input` with QEMU's trace on and puts every operator's estimated
// cycles into r.ops. main.c's marks: two in hwnas_mcu_icount_overhead(), then NUM_OPS + 1 around
// the operators of the one invoke; so operator k is segment 3 + k.
void estimate_cycles(const mcu::Toolchain& tc, const GeneratedModel& g, const std::vector<int8_t>& input,
                     const fs::path& dir, const Cortexm7Options& options, Cortexm7Run& r) {
  fs::create_directories(dir);
  write_file_atomic(dir / "input.bin", std::string(input.begin(), input.end()));
  const mcu::ExecutionTrace t = mcu::trace(tc, r.elf, dir, options.timeout_s, "hwnas_mcu_icount");
  fs::remove_all(dir);
  const size_t first = 3;
  if (t.segments.size() != first + g.ops.size() + 1)
    fail(r.elf.string(), "its trace has {} segments between icount marks, expected {} for {} operators",
         t.segments.size(), first + g.ops.size() + 1, g.ops.size());
  for (size_t k = 0; k < g.ops.size(); ++k) {
    r.ops[k].cycles = mcu::segment_cycles(t, t.segments[first + k], options.timing);
    r.total_cycles += r.ops[k].cycles.cycles;
  }
}

}  // namespace

std::vector<int8_t> run_on_host(const GeneratedModel& g, const std::vector<std::vector<int8_t>>& inputs,
                                const fs::path& work_dir) {
  const fs::path dir = fs::absolute(work_dir);
  const auto sources = prepare(g, inputs, dir);
  const char* cc_env = std::getenv("CC");
  const std::string cc = cc_env && *cc_env ? cc_env : "cc";
  const fs::path mcu = mcu::mcu_dir();
  std::vector<std::string> argv = {cc,
                                   "-O2",
                                   "-std=c11",
                                   "-Wall",
                                   "-Wextra",
                                   "-Werror",
                                   "-Wno-unused-function",
                                   "-I" + dir.string(),
                                   "-I" + (mcu / "cortex-m7").string(),
                                   sources[0].string(),
                                   sources[1].string(),
                                   (mcu / "host" / "semihost_host.c").string(),
                                   "-o",
                                   (dir / "model_host").string()};
  const auto built = run_process(argv, dir, 300);
  if (!built.exited_ok())
    fail(sources[0].string(), "the host compiler {}:\n{}{}", built.describe(), built.out, built.err);
  const auto ran = run_process({(dir / "model_host").string()}, dir, 300);
  if (!ran.exited_ok()) fail((dir / "model_host").string(), "{}: {}{}", ran.describe(), ran.out, ran.err);
  return read_outputs(g, inputs.size(), dir, (dir / "model_host").string());
}

Cortexm7Run run_on_cortex_m7(const mcu::Toolchain& tc, const GeneratedModel& g,
                             const std::vector<std::vector<int8_t>>& inputs, const fs::path& work_dir,
                             const Cortexm7Options& options) {
  const fs::path dir = fs::absolute(work_dir);
  const auto sources = prepare(g, inputs, dir);
  fs::remove(dir / "profile.bin");
  Cortexm7Run r;
  r.elf = dir / (g.prefix + ".elf");
  mcu::BuildOptions b{.sources = sources,
                      .include_dirs = {dir},
                      .flags = {"-DHWNAS_PROFILE", "-Wall", "-Werror", "-Wno-unused-function"},
                      .output = r.elf};
  if (!options.dsp) b.flags.push_back("-DHWNAS_NO_DSP");
  mcu::build_elf(tc, b);
  const mcu::RunResult run = mcu::run(tc, r.elf, dir, options.timeout_s);
  r.wall_s = run.wall_s;
  if (run.exit_code != 0)
    fail(r.elf.string(), "exited with code {} in QEMU{}: {}", run.exit_code,
         run.exit_code == mcu::kFaultExitCode ? " (a fault)" : " (1: cannot open a file, 2: I/O, 3: invoke failed)",
         run.output);
  r.outputs = read_outputs(g, inputs.size(), dir, r.elf.string());
  r.memory = mcu::elf_memory(r.elf);

  // profile.bin: the icount overhead, then per input NUM_OPS + 1 marks (uint64, little-endian).
  const std::string prof = read_file(dir / "profile.bin");
  const size_t marks = g.ops.size() + 1;
  if (prof.size() != 8 * (1 + marks * inputs.size()))
    fail((dir / "profile.bin").string(), "has {} bytes, expected {} for {} inputs", prof.size(),
         8 * (1 + marks * inputs.size()), inputs.size());
  std::vector<uint64_t> v(prof.size() / 8);
  std::memcpy(v.data(), prof.data(), prof.size());
  const uint64_t overhead = v[0];
  std::vector<uint64_t> sums(g.ops.size(), 0);
  for (size_t i = 0; i < inputs.size(); ++i)
    for (size_t k = 0; k < g.ops.size(); ++k) {
      const uint64_t* m = v.data() + 1 + i * marks;
      sums[k] += m[k + 1] - m[k] - overhead;
    }
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const uint64_t n = inputs.empty() ? 0 : (sums[k] + inputs.size() / 2) / inputs.size();
    r.ops.push_back({g.ops[k], n, {}});
    r.total_instructions += n;
  }
  if (options.estimate_cycles && !inputs.empty()) estimate_cycles(tc, g, inputs[0], dir / "trace", options, r);
  return r;
}

}  // namespace hwnas::codegen
