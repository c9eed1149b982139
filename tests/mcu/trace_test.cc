// mcu::trace against the instruction counter, and the M7 issue model against loops scheduled by
// hand from its rules (programs/timing_kernels.c). Skips only when the toolchain is missing.
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/mcu/m7_timing.h"
#include "hwnas/mcu/qemu.h"
#include "hwnas/mcu/trace.h"
#include "mcu_testing.h"

namespace hwnas::mcu {
namespace {

using testing::build_program;

struct KernelRun {
  uint64_t counted = 0;  // instructions by the program's own icount marks
  TraceSegment segment;  // the same call in the trace
};

// name -> n -> the call of timing_kernels.c. Marks: two in hwnas_mcu_icount_overhead(), then a
// pair around every call, so call j is segment 3 + 2j.
struct TimingRun {
  ExecutionTrace trace;
  std::map<std::string, std::map<uint32_t, KernelRun>> calls;
};

TimingRun run_timing_kernels(const Toolchain& tc) {
  const auto dir = hwnas::testing::temp_dir();
  const auto elf = build_program(tc, "timing_kernels.c", dir);
  const RunResult r = run(tc, elf, dir, 60);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  TimingRun t{trace(tc, elf, dir, 60, "hwnas_mcu_icount"), {}};
  std::istringstream lines(r.output);
  std::string name;
  uint32_t n = 0;
  uint64_t count = 0;
  for (size_t j = 0; lines >> name >> n >> count; ++j) t.calls[name][n] = {count, t.trace.segments.at(3 + 2 * j)};
  return t;
}

TEST(McuTrace, SegmentsCountWhatTheInstructionCounterCounts) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const TimingRun t = run_timing_kernels(tc);
  ASSERT_EQ(t.calls.size(), 4u);
  for (const auto& [name, by_n] : t.calls) {
    ASSERT_EQ(by_n.size(), 3u) << name;
    for (const auto& [n, call] : by_n) {
      // Two counts of one run: QEMU's block log and the program's counter reads. They differ
      // only by the caller's few instructions around the marks (the overhead subtracts 3).
      EXPECT_NEAR(static_cast<double>(call.segment.instructions), static_cast<double>(call.counted), 8)
          << name << " n=" << n;
    }
    // 10 instructions per iteration, as written.
    EXPECT_EQ(by_n.at(100).segment.instructions - by_n.at(10).segment.instructions, 900u) << name;
  }
}

TEST(M7Timing, LoopsTakeTheCyclesTheRulesGiveByHand) {
  HWNAS_MCU_TOOLCHAIN_OR_SKIP(tc);
  const TimingRun t = run_timing_kernels(tc);
  // Cycles per iteration, scheduled by hand in timing_kernels.c's comments.
  const std::map<std::string, double> expected = {{"alu_pairs", 5},
                                                  {"alu_chain", 9},
                                                  {"smlad_stream", 9},
                                                  {"load_use", 10}};
  for (const auto& [name, per_iteration] : expected) {
    const auto& by_n = t.calls.at(name);
    const SegmentCycles c100 = segment_cycles(t.trace, by_n.at(100).segment);
    const SegmentCycles c10 = segment_cycles(t.trace, by_n.at(10).segment);
    EXPECT_DOUBLE_EQ((c100.cycles - c10.cycles) / 90, per_iteration) << name;
    // Each call's loop exit is its one misprediction.
    EXPECT_DOUBLE_EQ(c100.mispredict_cycles, M7Timing{}.mispredict_cycles) << name;
  }
}

TEST(M7Timing, ClassifiesWhatQemuPrints) {
  const auto cls = [](std::string m, std::string ops = "") { return classify({0, 2, std::move(m), std::move(ops)}); };
  using C = InstructionClass;
  EXPECT_EQ(cls("addgt", "r0, r1"), C::alu);
  EXPECT_EQ(cls("movs", "r0, #0"), C::alu);
  EXPECT_EQ(cls("ite", "gt"), C::alu);
  EXPECT_EQ(cls("lsl.w", "r0, r1, #2"), C::shifted);
  EXPECT_EQ(cls("sxtb16", "r1, r1, ror #8"), C::dsp);
  EXPECT_EQ(cls("smlad", "r6, lr, r5, r6"), C::dsp_mac);
  EXPECT_EQ(cls("smull", "r0, r1, r2, r3"), C::mac);
  EXPECT_EQ(cls("ldrsb.w", "r0, [r1, #1]"), C::load);
  EXPECT_EQ(cls("strd", "r0, r1, [sp]"), C::store);
  EXPECT_EQ(cls("push", "{r4, r5, lr}"), C::store_multiple);
  EXPECT_EQ(cls("pop", "{r4, pc}"), C::branch);
  EXPECT_EQ(cls("bne.w", "#0x100"), C::branch);
  EXPECT_EQ(cls("bls", "#0x100"), C::branch);
  EXPECT_EQ(cls("udiv", "r0, r1, r2"), C::divide);
  EXPECT_EQ(cls("vadd.f32", "s0, s1, s2"), C::fp);
  EXPECT_EQ(cls("dsb", "sy"), C::other);
  // A shifted operand makes a plain ALU op use the shifter.
  Block b{0, {{0, 4, "add.w", "r0, r1, r2, lsl #2"}, {4, 4, "add.w", "r3, r4, r5, lsl #2"}}};
  EXPECT_DOUBLE_EQ(block_issue_cycles(b), 2);  // one shifter: no pair
  b.code[1].operands = "r3, r4, r5";
  EXPECT_DOUBLE_EQ(block_issue_cycles(b), 1);
}

TEST(McuTrace, AMalformedLogNamesTheFileAndLine) {
  const auto dir = hwnas::testing::temp_dir();
  const auto log = dir / "bad.log";
  std::ofstream(log) << "----------------\nIN: main\n0x00000400:  b580       push     {r7, lr}\n"
                     << "Trace 0: 0x7f00 [00000000/00000400/00000000/ff020200] main\n"
                     << "Trace 0: 0x7f00 [00000000/00000404/00000000/ff020200] main\n";
  try {
    read_qemu_trace(log);
    FAIL() << "a block whose code was never logged must be an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.log:5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("-d in_asm,exec,nochain"), std::string::npos) << e.what();
  }
  std::ofstream(log) << "IN: main\n0x0000zz00:  b580   push {r7, lr}\n";
  EXPECT_THROW(read_qemu_trace(log), Error);
  const ExecutionTrace ok = [&] {
    std::ofstream(log) << "IN: main\n0x00000400:  b580       push     {r7, lr}\n"
                       << "0x00000402:  f8d3 2000  ldr.w    r2, [r3]\n"
                       << "Trace 0: 0x7f00 [00000000/00000400/00000000/ff020200] main\n"
                       << "Trace 0: 0x7f00 [00000000/00000400/00000000/ff020200] main\n";
    return read_qemu_trace(log);
  }();
  ASSERT_EQ(ok.blocks.size(), 1u);
  EXPECT_EQ(ok.blocks[0].end(), 0x406u);
  EXPECT_EQ(ok.instructions, 4u);
}

}  // namespace
}  // namespace hwnas::mcu
