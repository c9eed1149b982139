// The arena plan of generated code: valid (no two live buffers overlap), in place where
// TinyEngine would be, and its size for dscnn-mlperf worked out by hand against TFLM's.
#include "hwnas/codegen/arena.h"

#include <gtest/gtest.h>

#include "codegen_testing.h"
#include "hwnas/models/registry.h"
#include "hwnas/plan/memory_planner.h"

namespace hwnas::codegen {
namespace {

// The planner's offsets per buffer, read back from the per-node offsets.
plan::ArenaPlan plan_of(const ArenaLayout& a) {
  plan::ArenaPlan p;
  p.arena_bytes = a.arena_bytes;
  p.offsets.assign(a.lifetimes.buffers.size(), -1);
  for (size_t id = 0; id < a.offset_of.size(); ++id) p.offsets[a.lifetimes.buffer_of[id]] = a.offset_of[id];
  return p;
}

TEST(CodegenArena, DscnnMlperfByHand) {
  const quant::QuantizedModel m = testing::quantized(models::builtin_model("dscnn-mlperf"), 1);
  const ArenaLayout a = plan_arena(m);
  // Input 49x10x1 = 490 bytes (496 aligned); conv1 -> 25x5x64 = 8000 bytes; each depthwise
  // (stride 1) and pointwise (64 -> 64) runs in place, so the four blocks live in conv1's
  // buffer; pool 64, FC 12. Peak: conv1 reading the input while writing its 8000 = 8496.
  // Scratch, the largest of: two of conv1's receptive fields 10x4 as int16 = 160, two
  // pointwise pixels 2 x 2 x 64 = 256, the FC row 128, a depthwise channel with its padding
  // as int16 2 x 27 x 7 = 378 -> 384.
  EXPECT_EQ(a.arena_bytes, 8496);
  EXPECT_EQ(a.scratch_bytes, 384);
  EXPECT_TRUE(plan::is_valid_plan(plan::aligned(a.lifetimes.buffers, 16), plan_of(a)));
  // TFLM: no in-place, so every depthwise and pointwise reads one 8000-byte tensor while
  // writing another: 2 x 8000.
  EXPECT_EQ(tflm_arena_bytes(m), 16000);
  // Without in-place depthwise and pointwise the generated plan is TFLM's too (relu is fused,
  // batch_norm folded: nothing element-wise is left to run in place).
  EXPECT_EQ(plan_arena(m, {.in_place_depthwise = false, .in_place_pointwise = false}).arena_bytes, 16000);
  // Only depthwise in place: each pointwise still needs input and output.
  EXPECT_EQ(plan_arena(m, {.in_place_pointwise = false}).arena_bytes, 16000);
}

TEST(CodegenArena, ValidOnBranchyAndInvertedResidualModels) {
  for (const char* name : {"mobilenetv2-0.35", "efficientnet-b0"}) {
    const quant::QuantizedModel m = testing::quantized(models::builtin_model(name, {.resolution = 32}), 2);
    const ArenaLayout a = plan_arena(m);
    EXPECT_TRUE(plan::is_valid_plan(plan::aligned(a.lifetimes.buffers, 16), plan_of(a))) << name;
    EXPECT_GE(a.arena_bytes, a.peak_live_bytes) << name;
    EXPECT_LE(a.arena_bytes, tflm_arena_bytes(m)) << name;
    // Every fused activation and folded batch_norm shares its layer's bytes.
    for (int id = 0; id < m.graph.size(); ++id)
      if (m.nodes[id].alias_of >= 0) {
        EXPECT_EQ(a.offset_of[id], a.offset_of[m.nodes[id].alias_of]) << name << " " << m.graph.describe(id);
        EXPECT_TRUE(a.alias[id]);
      }
  }
}

}  // namespace
}  // namespace hwnas::codegen
