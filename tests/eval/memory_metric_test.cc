#include "hwnas/eval/memory_metric.h"
#include "hwnas/target/resolver.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/ir/stats.h"
#include "hwnas/space/search_space.h"

namespace hwnas::eval {
namespace {
using namespace hwnas::exp;
using namespace hwnas::exp::testing;

// Flash by hand: the int8 weights (ir::Stats) plus the runtime's fixed flash, in KiB.
// SRAM: at least the largest activation tensor in int8 (one byte per element) plus the
// runtime's fixed RAM, and at most every tensor at once.
TEST(MemoryMetric, TflmFlashIsWeightsPlusRuntimeAndSramIsBoundedByTheTensors) {
  const std::shared_ptr<const space::SearchSpace> space = target::resolve_space("dscnn");
  const hw::Device dev = hw::load_device("cortex-m7");
  const MemoryMetric flash("f", CostClass::Cheap, dev, MemoryValue::FlashKib, ir::DType::i8, space, plan::Engine::Tflm);
  const MemoryMetric sram("s", CostClass::Cheap, dev, MemoryValue::PeakSramKib, ir::DType::i8, space,
                          plan::Engine::Tflm);
  Rng rng(5);
  for (int i = 0; i < 5; ++i) {
    const space::Arch a = space->sample(rng);
    const std::string s = space->to_string(a);
    SCOPED_TRACE(s);
    const ir::Stats st = ir::compute_stats(space->decode(a));
    EXPECT_DOUBLE_EQ(flash.evaluate(a, s),
                     static_cast<double>(st.weight_bytes(ir::DType::i8) + dev.memory.runtime_flash_bytes) / 1024);
    const double runtime_kib = static_cast<double>(dev.memory.runtime_sram_bytes) / 1024;
    EXPECT_GE(sram.evaluate(a, s), runtime_kib + static_cast<double>(st.activation_elems_max) / 1024);
    EXPECT_LE(sram.evaluate(a, s), runtime_kib + static_cast<double>(st.activation_elems_total + 16 * st.nodes.size()) /
                                                     1024);  // 16: alignment
  }
  EXPECT_EQ(sram.source(), "predicted (greedy arena planner, graph order, int8, on cortex-m7)");
  EXPECT_NE(flash.fingerprint(), sram.fingerprint());
}

// On a microcontroller in int8 the metric predicts the C hwnas deploys (docs/codegen.md): for
// dscnn-mlperf the deploy's arena is 8,496 bytes + 384 of kernel scratch (the input beside
// conv1's 25x5x64 output; every depthwise and pointwise in place in that buffer), against
// 16,000 for the greedy plan over TFLM's rules (a block's input and output both live); its
// flash the 30,380 bytes of constant arrays (int8 weights 2,560 + 4 x 576 + 4 x 4,096 + 768,
// per output channel bias 4 + multiplier 4 + shift 1 over 64 + 8 x 64 + 12 channels, and the
// depthwise taps packed in pairs, 3 per channel as int32: 4 x 64 x 12), not ir::Stats' 24,368.
TEST(MemoryMetric, OnAnMcuItPredictsTheGeneratedCode) {
  const std::shared_ptr<const space::SearchSpace> space = target::resolve_space("dscnn");
  const std::string s =  // dscnn-mlperf (models/dscnn.h)
      "mfcc=10,frames=49,first.kernel=10x4,first.stride=2x2,first.channels=64,depth=4,block1.channels=64,"
      "block1.kernel=3,block2.channels=64,block2.kernel=3,block3.channels=64,block3.kernel=3,block4.channels=64,"
      "block4.kernel=3";
  const space::Arch a = space->parse(s);
  ASSERT_EQ(ir::compute_stats(space->decode(a)).macs, 2656768);  // devices/cortex-m7-f746.yaml's count
  const hw::Device dev = hw::load_device("cortex-m7");
  ASSERT_EQ(dev.kind, "mcu");
  const MemoryMetric sram("s", CostClass::Cheap, dev, MemoryValue::PeakSramKib, ir::DType::i8, space);
  const MemoryMetric flash("f", CostClass::Cheap, dev, MemoryValue::FlashKib, ir::DType::i8, space);
  const MemoryMetric greedy("g", CostClass::Cheap, dev, MemoryValue::PeakSramKib, ir::DType::i8, space,
                            plan::Engine::Tflm);
  const double runtime_sram_kib = static_cast<double>(dev.memory.runtime_sram_bytes) / 1024;
  const double runtime_flash_kib = static_cast<double>(dev.memory.runtime_flash_bytes) / 1024;
  EXPECT_DOUBLE_EQ(sram.evaluate(a, s), (8496 + 384) / 1024.0 + runtime_sram_kib);
  EXPECT_DOUBLE_EQ(greedy.evaluate(a, s), 16000 / 1024.0 + runtime_sram_kib);
  EXPECT_LT(sram.evaluate(a, s), greedy.evaluate(a, s));
  EXPECT_DOUBLE_EQ(flash.evaluate(a, s), 30380 / 1024.0 + runtime_flash_kib);
  EXPECT_EQ(sram.source(),
            "predicted (hwnas codegen arena plan: greedy, best order, in-place depthwise and pointwise, fused "
            "activations, kernel scratch, int8, on cortex-m7)");
  EXPECT_NE(sram.fingerprint(), greedy.fingerprint());
  // f32 has no generated code: the TFLM plan, and asking for codegen is an error.
  const MemoryMetric f32("s", CostClass::Cheap, dev, MemoryValue::PeakSramKib, ir::DType::f32, space);
  EXPECT_EQ(f32.source(), "predicted (greedy arena planner, graph order, f32, on cortex-m7)");
  EXPECT_HWNAS_ERROR(MemoryMetric("s", CostClass::Cheap, dev, MemoryValue::PeakSramKib, ir::DType::f32, space,
                                  plan::Engine::HwnasCodegen),
                     "int8 only");
  // A CPU keeps the TFLM plan.
  const MemoryMetric cpu("s", CostClass::Cheap, hw::load_device("pixel3-cpu"), MemoryValue::PeakSramKib, ir::DType::i8,
                         space);
  EXPECT_EQ(cpu.source(), "predicted (greedy arena planner, graph order, int8, on pixel3-cpu)");
}

}  // namespace
}  // namespace hwnas::eval
