// dscnn-mlperf's generated C built for the Cortex-M7 and run in QEMU equals the host build
// and quant::run_int8 bit for bit; its per-operator instruction counts and its flash and RAM
// read off the ELF. Skips only when arm-none-eabi-gcc or qemu-system-arm is not installed.
#include <map>

#include <gtest/gtest.h>

#include "codegen_testing.h"
#include "hwnas/codegen/runner.h"
#include "hwnas/models/registry.h"
#include "hwnas/plan/memory.h"
#include "testing.h"

namespace hwnas::codegen {
namespace {

class CodegenCortexM7 : public ::testing::Test {
 protected:
  void SetUp() override {
    tc_ = mcu::Toolchain::find_if_present();
    if (!tc_) GTEST_SKIP() << "arm-none-eabi-gcc or qemu-system-arm is not installed";
  }
  std::optional<mcu::Toolchain> tc_;
};

TEST_F(CodegenCortexM7, DscnnMlperfEqualsHostAndRunInt8) {
  const quant::QuantizedModel m = testing::quantized(models::builtin_model("dscnn-mlperf"), 7);
  const GeneratedModel gen = generate_c(m, {.prefix = "kws"});
  const auto inputs = testing::random_int8_inputs(m, 10, 99);
  const auto expected = testing::reference_outputs(m, inputs);
  const auto dir = hwnas::testing::temp_dir();
  const auto host = run_on_host(gen, inputs, dir / "host");
  const Cortexm7Run dsp = run_on_cortex_m7(*tc_, gen, inputs, dir / "dsp");
  const Cortexm7Run portable = run_on_cortex_m7(*tc_, gen, inputs, dir / "portable", {.dsp = false});
  EXPECT_EQ(host, expected);
  EXPECT_EQ(dsp.outputs, expected);
  EXPECT_EQ(portable.outputs, expected);

  // One count per operator: conv1, 4 x (depthwise, pointwise), pool, FC.
  ASSERT_EQ(dsp.ops.size(), 11u);
  std::map<std::string, uint64_t> dsp_by_op, portable_by_op, macs_by_op;
  for (size_t k = 0; k < dsp.ops.size(); ++k) {
    EXPECT_GT(dsp.ops[k].instructions, 0u) << dsp.ops[k].op.name;
    std::cout << dsp.ops[k].op.name << " (" << dsp.ops[k].op.op << (dsp.ops[k].op.in_place ? ", in place" : "")
              << "): " << dsp.ops[k].instructions << " instructions, " << dsp.ops[k].op.macs << " MACs\n";
    dsp_by_op[dsp.ops[k].op.op] += dsp.ops[k].instructions;
    portable_by_op[portable.ops[k].op.op] += portable.ops[k].instructions;
    macs_by_op[dsp.ops[k].op.op] += static_cast<uint64_t>(dsp.ops[k].op.macs);
  }
  for (const auto& [op, n] : dsp_by_op)
    std::cout << op << ": " << n << " instructions with DSP, " << portable_by_op[op] << " without; "
              << macs_by_op[op] << " MACs\n";
  std::cout << "total " << dsp.total_instructions << " instructions (" << portable.total_instructions
            << " without DSP); QEMU " << dsp.wall_s << " s\n";
  // SMLAD does two MACs in one instruction: no conv can take fewer than MACs / 2 instructions,
  // and the DSP loop must beat the portable one on the pointwise convs (4 MACs per 6 instructions
  // against at least 3 per MAC: load, load, multiply-accumulate).
  EXPECT_GE(dsp_by_op["conv2d"], macs_by_op["conv2d"] / 2);
  EXPECT_LT(dsp_by_op["conv2d"], portable_by_op["conv2d"]);
  EXPECT_GE(portable_by_op["conv2d"], macs_by_op["conv2d"]);
  // The depthwise pairs adjacent taps in one SMLAD too.
  EXPECT_LT(dsp_by_op["depthwise_conv2d"], portable_by_op["depthwise_conv2d"]);

  // Flash and RAM from the ELF: the arena section is the plan (+ scratch); flash holds at
  // least the constant arrays.
  const mcu::ElfMemory& mem = dsp.memory;
  EXPECT_EQ(mem.symbol_size("kws_arena"), static_cast<uint32_t>(gen.arena.arena_bytes));
  EXPECT_EQ(mem.symbol_size("kws_scratch"), static_cast<uint32_t>(gen.arena.scratch_bytes));
  EXPECT_EQ(mem.arena, static_cast<uint64_t>(gen.arena.arena_bytes + gen.arena.scratch_bytes));
  EXPECT_GE(mem.rodata, static_cast<uint64_t>(gen.weight_bytes));
  // The model's constant arrays (kws_op<k>_w, _bias, _mult, _shift, _wp) in the ELF are the
  // bytes generate_c counts and plan predicts from the fp32 graph (plan/codegen_kernels.h).
  uint64_t arrays = 0;
  for (const auto& [name, size] : mem.symbol_sizes)
    if (name.rfind("kws_op", 0) == 0 && name.find('_', 6) != std::string::npos) arrays += size;
  EXPECT_EQ(arrays, static_cast<uint64_t>(gen.weight_bytes));
  EXPECT_EQ(arrays, static_cast<uint64_t>(plan::estimate_memory(models::builtin_model("dscnn-mlperf"), hw::Device{},
                                                                plan::hwnas_codegen_options())
                                              .weight_bytes));
  EXPECT_EQ(mem.ram, mem.data + mem.bss + mem.arena + mem.stack);
  std::cout << "flash " << mem.flash << " (text " << mem.text << ", rodata " << mem.rodata << "), ram " << mem.ram
            << " (arena " << mem.arena << ", stack " << mem.stack << ", bss " << mem.bss << ", data " << mem.data
            << ")\n";
}

// The cycle estimate's trace (mcu::trace, QEMU's block log) and the instruction counter
// (icount marks read by the program) are two independent counts of the same run: on one input
// they agree per operator to the few instructions of the marks' calls. The estimate respects
// the M7's two bounds: two instructions per cycle, and one SMLAD/MUL per cycle.
TEST_F(CodegenCortexM7, CycleEstimateTracesWhatTheCounterCounts) {
  const quant::QuantizedModel m = testing::quantized(models::builtin_model("dscnn-mlperf"), 7);
  const GeneratedModel gen = generate_c(m, {.prefix = "kws"});
  const auto dir = hwnas::testing::temp_dir();
  const Cortexm7Run r = run_on_cortex_m7(*tc_, gen, testing::random_int8_inputs(m, 1, 5), dir);
  ASSERT_EQ(r.ops.size(), 11u);
  double total = 0;
  for (const auto& op : r.ops) {
    const auto traced = static_cast<int64_t>(op.cycles.instructions);
    EXPECT_NEAR(traced, static_cast<int64_t>(op.instructions), 8) << op.op.name;
    EXPECT_GE(op.cycles.cycles, static_cast<double>(op.cycles.instructions) / 2) << op.op.name;
    // SMLAD: two MACs per MAC-pipeline cycle at best.
    EXPECT_GE(op.cycles.cycles, static_cast<double>(op.op.macs) / 2) << op.op.name;
    total += op.cycles.cycles;
  }
  EXPECT_DOUBLE_EQ(r.total_cycles, total);
  EXPECT_FALSE(std::filesystem::exists(dir / "trace")) << "the trace log is removed";
}

}  // namespace
}  // namespace hwnas::codegen
