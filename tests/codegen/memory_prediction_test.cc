// plan's prediction of the generated code's memory, made from the fp32 graph alone
// (plan::hwnas_codegen_options(): the rules of plan/in_place.h, the kernels' needs of
// plan/codegen_kernels.h), against what codegen really plans and emits for the quantized
// model: codegen::plan_arena's arena and scratch and generate_c's constant bytes, byte for byte,
// on every built-in model int8 can run and on sampled DS-CNN space architectures.
#include <iostream>

#include <gtest/gtest.h>

#include "codegen_testing.h"
#include "hwnas/codegen/generate.h"
#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/ir/stats.h"
#include "hwnas/models/nb201.h"
#include "hwnas/models/registry.h"
#include "hwnas/plan/memory.h"
#include "hwnas/space/search_space.h"

namespace hwnas::codegen {
namespace {

// `constants`: also generate the C and compare its constant bytes (text for millions of
// weights takes seconds, so the largest models check the arena only).
void expect_exact_prediction(const ir::Graph& g, const std::string& name, bool constants) {
  const plan::MemoryEstimate e = plan::estimate_memory(g, hw::Device{}, plan::hwnas_codegen_options());
  const quant::QuantizedModel m = testing::quantized(g, 3);
  const ArenaLayout a = plan_arena(m);
  EXPECT_EQ(e.arena_bytes(), a.arena_bytes) << name;
  EXPECT_EQ(e.scratch_bytes, a.scratch_bytes) << name;
  const plan::MemoryFootprint f = plan::memory_footprint(g, {}, plan::hwnas_codegen_options());
  EXPECT_EQ(f.peak_sram_bytes, a.arena_bytes + a.scratch_bytes) << name;
  EXPECT_EQ(f.flash_bytes, e.weight_bytes) << name;
  std::cout << name << ": arena " << e.arena_bytes() << " + scratch " << e.scratch_bytes
            << " (greedy, TFLM's rules: " << plan::estimate_memory(g, hw::Device{}).arena_bytes() << "), constants "
            << e.weight_bytes << "\n";
  if (!constants) return;
  if (g.inputs().size() != 1 || g.outputs().size() != 1) return;  // generate_c takes one of each
  EXPECT_EQ(e.weight_bytes, generate_c(m).weight_bytes) << name;
}

TEST(CodegenMemoryPrediction, EveryBuiltinModel) {
  int checked = 0;
  for (const std::string& name : models::builtin_model_names()) {
    // DS-CNN has its fixed MFCC input; image models at 32 px (ssdlite's heads need 128).
    models::ModelOverrides ov;
    if (name.rfind("dscnn", 0) != 0) ov.resolution = name.rfind("ssdlite", 0) == 0 ? 128 : 32;
    const ir::Graph g = models::builtin_model(name, ov);
    const int64_t params = ir::compute_stats(g).params;
    if (params > 20'000'000) continue;  // efficientnet-b5..b7: quantizing takes too long here
    try {
      quant::check_quantizable(g, runtime::inference_params(g, runtime::init_weights(g), true));
    } catch (const Error& e) {
      std::cout << name << ": not int8 (" << e.what() << ")\n";
      continue;
    }
    expect_exact_prediction(g, name, params < 6'000'000);
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST(CodegenMemoryPrediction, Nb201NetworkWithEveryEdgeOp) {
  // Branchy cells: the best order matters, adds run in place, zero and pooling edges.
  const ir::Graph g =
      models::nb201(models::parse_nb201(
                        "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"),
                    {.classes = 5, .resolution = 16, .channels = 8, .cells_per_stage = 1});
  expect_exact_prediction(g, "nb201", true);
}

TEST(CodegenMemoryPrediction, SampledDscnnArchitectures) {
  const auto space = space::make_space("dscnn");
  Rng rng(14);
  for (int i = 0; i < 12; ++i) {
    const space::Arch arch = space->sample(rng);
    expect_exact_prediction(space->decode(arch), space->to_string(arch), true);
  }
}

// dscnn-mlperf by hand (docs/codegen.md): arena 8,496 (the input 496 aligned beside conv1's
// 8,000; every block in place in conv1's buffer) + scratch 384; greedy over TFLM's rules in
// graph order holds a block's input and output at once, and relu after each layer: 16,000.
TEST(CodegenMemoryPrediction, DscnnMlperfByHand) {
  const ir::Graph g = models::builtin_model("dscnn-mlperf");
  const plan::MemoryEstimate e = plan::estimate_memory(g, hw::Device{}, plan::hwnas_codegen_options());
  EXPECT_EQ(e.arena_bytes(), 8496);
  EXPECT_EQ(e.scratch_bytes, 384);
  EXPECT_EQ(plan::estimate_memory(g, hw::Device{}).arena_bytes(), 16000);
}

}  // namespace
}  // namespace hwnas::codegen
