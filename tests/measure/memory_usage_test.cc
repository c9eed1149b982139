// measure::measure_memory_usage: loose but honest checks of measured heap figures against
// what the graph must hold (its weights) and a generous ceiling (weights plus every
// activation tensor, in f32, a few times over).
#include "hwnas/measure/memory_usage.h"

#include <cstdio>
#include <memory>

#include <gtest/gtest.h>

#include "hwnas/ir/stats.h"
#include "hwnas/models/registry.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

TEST(MemoryUsage, HeapCounterSeesAnAllocationAndItsRelease) {
  const int64_t before = heap_bytes_in_use();
  auto block = std::make_unique<char[]>(1 << 20);
  block[0] = 1;
  const int64_t during = heap_bytes_in_use();
  block.reset();
  EXPECT_GE(during - before, 1 << 20);
  EXPECT_LT(heap_bytes_in_use() - before, 4096);
}

void expect_plausible(const ir::Graph& g, const MemoryUsage& u) {
  const ir::Stats s = ir::compute_stats(g);
  const int64_t weights = s.weight_bytes(ir::DType::f32);  // folded, f32
  const int64_t all_tensors = s.activation_elems_total * 4;
  std::printf("%s on %s: weights %lld B, prepared %lld B, first invoke %lld B (f32 weights %lld B, tensors %lld B)\n",
              g.name().c_str(), u.backend.c_str(), static_cast<long long>(u.weights_bytes),
              static_cast<long long>(u.prepared_bytes), static_cast<long long>(u.first_invoke_bytes),
              static_cast<long long>(weights), static_cast<long long>(all_tensors));
  // The training-form host weights hold at least every parameter in f32.
  EXPECT_GE(u.weights_bytes, s.params * 4);
  // The runtime keeps its own (packed or folded) copy of the weights...
  EXPECT_GE(u.runtime_bytes(), weights);
  // ...and, with its buffers and bookkeeping, less than three times weights plus every tensor.
  EXPECT_LE(u.runtime_bytes(), 3 * (weights + all_tensors) + (1 << 20));
}

TEST(MemoryUsage, XnnpackHoldsItsPackedWeights) {
  const ir::Graph g = models::builtin_model("dscnn-mlperf");
  const MemoryUsage u = measure_memory_usage(g, {.backend = "xnnpack"});
  expect_plausible(g, u);
  EXPECT_EQ(u.source(), "measured (xnnpack, 1 thread, glibc mallinfo2 deltas around prepare and one invoke)");
}

TEST(MemoryUsage, ReferenceBackendToo) {
  const ir::Graph g = models::builtin_model("dscnn-mlperf");
  expect_plausible(g, measure_memory_usage(g, {.backend = "reference"}));
}

TEST(MemoryUsage, UnknownBackendIsAnError) {
  EXPECT_HWNAS_ERROR(measure_memory_usage(models::builtin_model("dscnn-s"), {.backend = "tpu"}), "tpu");
}

}  // namespace
}  // namespace hwnas::measure
