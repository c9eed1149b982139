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
TEST(MemoryMetric, FlashIsWeightsPlusRuntimeAndSramIsBoundedByTheTensors) {
  const std::shared_ptr<const space::SearchSpace> space = target::resolve_space("dscnn");
  const hw::Device dev = hw::load_device("cortex-m7");
  const MemoryMetric flash("f", CostClass::Cheap, dev, MemoryValue::FlashKib, ir::DType::i8, space);
  const MemoryMetric sram("s", CostClass::Cheap, dev, MemoryValue::PeakSramKib, ir::DType::i8, space);
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

}  // namespace
}  // namespace hwnas::eval
