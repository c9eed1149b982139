#pragma once
// Cortex-M7 cycles of traced code (trace.h): an issue model of the M7's in-order, dual-issue,
// six-stage pipeline. QEMU counts instructions exactly but models no pipeline; this model
// turns what ran into the cycles a Cortex-M7 would take, under the rules below. Arm does not
// publish the M7's instruction timings; the rules come from what has been measured and
// published (docs/mcu.md, "From instructions to cycles", gives the sources), and what they
// leave out is said there too.
//
//   auto t = mcu::trace(tc, elf, dir, 60, "hwnas_mcu_icount");
//   mcu::SegmentCycles c = mcu::segment_cycles(t, t.segments[1]);
//   c.cycles;         // issue cycles + branch mispredictions + memory wait states
//
// Rules, per basic block, in program order:
// - Up to two instructions issue per cycle, the older first; the younger may not read what
//   the older writes.
// - At most one load/store instruction per cycle; LDRD/STRD take one cycle, LDM/STM/PUSH/POP
//   of n registers ceil(n/2) cycles, alone.
// - At most one instruction of the MAC pipeline (MUL, MLA, SMLAD, SMULL, ...) per cycle.
// - At most one shifted-operand instruction per cycle (a shifted register operand, a shift, an
//   extend such as SXTB16, a bitfield instruction).
// - DSP/SIMD instructions (SMLAD, SXTB16, SSAT, QADD, ...) issue only in the older slot.
// - A loaded value is ready two cycles after its load issues (one stall if used next cycle);
//   a MAC result two cycles after (an accumulator chained to the next MAC: one); ALU results
//   are forwarded to the next cycle.
// - A branch ends its issue group. A predicted branch costs its issue slot only; a conditional
//   branch is mispredicted min(taken, not taken) times per block (a predictor that learns each
//   branch's bias), each costing `mispredict_cycles`.
// - Divides take `divide_cycles`, alone; VDIV/VSQRT `fp_long_cycles`.
// - Memory has no wait states (code and data in TCM or hitting the caches).
#include <string>

#include "hwnas/mcu/trace.h"

namespace hwnas::mcu {

struct M7Timing {
  double mispredict_cycles = 5;  // a refill of the pipeline before execute (assumption, see docs)
  double divide_cycles = 7;      // SDIV/UDIV take 2 to 12 cycles by operand size: the middle
  double fp_long_cycles = 14;    // VDIV.F32 and VSQRT.F32
};

enum class InstructionClass {
  alu,      // MOV, ADD, CMP, AND, IT, NOP, ... (either slot)
  shifted,  // ALU with a shifted operand, shifts, extends, bitfields: one per cycle
  dsp,      // SIMD/saturating: older slot only (SXTB16 also counts as shifted)
  mac,      // MUL, MLA, MLS, UMULL, SMULL, SMLAL, UMLAL: one per cycle
  dsp_mac,  // SMLAD, SMLABB, SMUAD, SMMUL, ...: MAC pipeline, older slot only
  load,
  store,
  load_multiple,   // LDM, POP, VLDM, VPOP, LDRD counts as load
  store_multiple,  // STM, PUSH, VSTM, VPUSH
  branch,          // B, BL, BX, CBZ, TBB, ...; also POP {.., pc}, LDR pc
  divide,
  fp,       // VADD, VMUL, VFMA, VMOV, VCVT, ... single precision
  fp_long,  // VDIV, VSQRT
  other,    // barriers, BKPT, SVC, MRS/MSR, CPS: alone
};

InstructionClass classify(const Instruction& ins);
const char* class_name(InstructionClass c);

// Issue cycles of one execution of the block (no mispredictions).
double block_issue_cycles(const Block& block, const M7Timing& timing = {});

struct SegmentCycles {
  uint64_t instructions = 0;
  double issue_cycles = 0;  // sum over blocks of executions x block_issue_cycles
  double mispredict_cycles = 0;
  double cycles = 0;  // issue + mispredictions
  double ipc() const { return cycles > 0 ? static_cast<double>(instructions) / cycles : 0; }
};

SegmentCycles segment_cycles(const ExecutionTrace& trace, const TraceSegment& segment, const M7Timing& timing = {});

}  // namespace hwnas::mcu
