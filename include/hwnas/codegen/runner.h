#pragma once
// Runs a generated model (generate.h) on int8 inputs: built with the host's C compiler, or for
// the Cortex-M7 (mcu::build_elf) and run in QEMU (mcu::run), where it also counts the
// instructions of every operator, estimates their Cortex-M7 cycles (mcu::trace of the first
// input through the issue model of m7_timing.h) and reads flash and RAM off the ELF.
//
//   auto host = codegen::run_on_host(gen, inputs, "work/host");           // outputs, concatenated
//   auto m7 = codegen::run_on_cortex_m7(tc, gen, inputs, "work/m7");
//   m7.outputs == host;            // bit for bit
//   m7.ops[k].instructions;        // per operator (mean over the inputs), call overhead removed
//   m7.ops[k].cycles.cycles;       // estimated M7 cycles of the first input's run
//   m7.memory.flash, m7.memory.ram, m7.memory.arena;   // mcu::elf_memory
//
// Both write the sources, main.c (generate.h: main_c), input.bin and output.bin into the work
// folder and throw hwnas::Error with the compiler's diagnostics or the program's exit status.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "hwnas/codegen/generate.h"
#include "hwnas/mcu/elf.h"
#include "hwnas/mcu/m7_timing.h"
#include "hwnas/mcu/toolchain.h"

namespace hwnas::codegen {

// Compiles with `cc -O2` (or $CC) and returns every input's output, in order, concatenated.
std::vector<int8_t> run_on_host(const GeneratedModel& g, const std::vector<std::vector<int8_t>>& inputs,
                                const std::filesystem::path& work_dir);

struct OpInstructions {
  GeneratedOp op;
  uint64_t instructions = 0;  // mean over the inputs, rounded
  mcu::SegmentCycles cycles;  // estimated from the trace of the first input (zero without)
};

struct Cortexm7Run {
  std::vector<int8_t> outputs;  // concatenated, as run_on_host
  std::vector<OpInstructions> ops;
  uint64_t total_instructions = 0;  // sum over ops, per inference
  double total_cycles = 0;          // sum over ops of the estimated cycles (0 when not estimated)
  mcu::ElfMemory memory;
  std::filesystem::path elf;
  double wall_s = 0;  // QEMU's host time
};

struct Cortexm7Options {
  // false builds the same source with -DHWNAS_NO_DSP: the portable loops instead of the SMLAD
  // ones (the compiler still targets the M7), to compare the two.
  bool dsp = true;
  // Trace the first input once more and estimate every operator's cycles (about a second of
  // QEMU and a log of ~6 bytes per executed instruction, removed after).
  bool estimate_cycles = true;
  mcu::M7Timing timing;
  double timeout_s = 120;
};

// What the cycle estimates are, for reports.
inline constexpr const char* kCyclesSource =
    "estimated: Cortex-M7 issue model (docs/mcu.md) on the QEMU trace of the first input";

Cortexm7Run run_on_cortex_m7(const mcu::Toolchain& tc, const GeneratedModel& g,
                             const std::vector<std::vector<int8_t>>& inputs, const std::filesystem::path& work_dir,
                             const Cortexm7Options& options = {});

}  // namespace hwnas::codegen
