#pragma once
// mcu::trace: which instructions a program executed, and how often. QEMU logs every translated
// block's code (-d in_asm) and every block it executes (-d exec, with nochain so that no chained
// block goes unlogged); read_qemu_trace folds that log into the distinct blocks and their
// execution counts, cut into segments at each call of a marker function (hwnas_mcu_icount, the
// call between two operators of a generated model). The M7 timing model (m7_timing.h) turns
// such counts into cycles.
//
//   auto t = mcu::trace(tc, "model.elf", "work", 60, "hwnas_mcu_icount");
//   t.segments[k + 1].instructions;   // operator k (segment 0 runs before the first mark)
//   for (auto& c : t.segments[k + 1].counts) t.blocks[c.block].code ...;
//
// Blocks run as the marker function are left out of every segment: they are the profiling
// probe, not the program. Errors (hwnas::Error) name the log file and line.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/mcu/toolchain.h"

namespace hwnas::mcu {

struct Instruction {
  uint32_t address = 0;
  uint32_t size = 0;     // 2 or 4 bytes (Thumb)
  std::string mnemonic;  // as QEMU's disassembler prints it: "ldr.w", "smlad", "addgt", "bne"
  std::string operands;  // "r6, lr, r5, r6"
};

struct Block {
  uint32_t pc = 0;
  std::vector<Instruction> code;
  uint32_t end() const;  // the address after its last instruction
};

struct BlockCount {
  int block = 0;  // index into ExecutionTrace::blocks
  uint64_t executions = 0;
  uint64_t fell_through = 0;  // executions after which the next block began at end(): not taken
};

struct TraceSegment {
  std::vector<BlockCount> counts;
  uint64_t instructions = 0;  // executed in the segment
};

struct ExecutionTrace {
  std::vector<Block> blocks;
  std::vector<TraceSegment> segments;  // marks + 1
  uint64_t instructions = 0;           // in all segments
};

// Reads a log written with -d in_asm,exec,nochain. Blocks in [marker_begin, marker_end) are
// the marker function: each execution of its first block starts a new segment and none of its
// blocks is counted. marker_begin == marker_end: one segment, nothing left out.
ExecutionTrace read_qemu_trace(const std::filesystem::path& log, uint32_t marker_begin = 0, uint32_t marker_end = 0);

// Runs the ELF in QEMU as run() does, with the trace logged to working_dir/qemu-trace.log
// (removed afterwards), segmented at the function named `marker` (empty: no segments).
// Throws like run(), and when the program exits non-zero.
ExecutionTrace trace(const Toolchain& tc, const std::filesystem::path& elf, const std::filesystem::path& working_dir,
                     double timeout_s, const std::string& marker = "");

}  // namespace hwnas::mcu
