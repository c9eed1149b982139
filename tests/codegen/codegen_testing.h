#pragma once
// Helpers shared by the codegen tests: a graph quantized with random weights (random BatchNorm
// statistics, calibrated on random inputs, as tests/quant does), seeded int8 inputs, and
// run_int8's outputs for them, the oracle every generated program must equal byte for byte.
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/quantized_model.h"
#include "hwnas/quant/run_int8.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::codegen::testing {

inline quant::QuantizedModel quantized(const ir::Graph& g, uint64_t seed, const quant::QuantizeOptions& o = {}) {
  const runtime::Weights w = runtime::init_weights(g, {.seed = seed, .random_bn_stats = true});
  const runtime::InferenceParams p = runtime::inference_params(g, w, true);
  std::vector<std::vector<runtime::Tensor>> calib;
  for (int s = 0; s < 4; ++s) {
    Rng rng(seed * 1000 + static_cast<uint64_t>(s));
    std::vector<runtime::Tensor> in;
    for (int id : g.inputs()) {
      in.emplace_back(g.node(id).shape);
      for (float& v : in.back().data) v = static_cast<float>(2 * rng.uniform() - 1);
    }
    calib.push_back(std::move(in));
  }
  return quant::quantize_model(g, p, quant::calibrate(g, p, calib), o);
}

// `count` inputs of uniformly random int8 values (the whole range, clamps and padding included).
inline std::vector<std::vector<int8_t>> random_int8_inputs(const quant::QuantizedModel& m, int count, uint64_t seed) {
  const int64_t n = m.graph.node(m.graph.inputs()[0]).shape.numel();
  std::vector<std::vector<int8_t>> inputs;
  Rng rng(seed);
  for (int k = 0; k < count; ++k) {
    std::vector<int8_t> x(static_cast<size_t>(n));
    for (int8_t& v : x) v = static_cast<int8_t>(static_cast<int>(rng.uniform() * 256) - 128);
    inputs.push_back(std::move(x));
  }
  return inputs;
}

// run_int8 on every input; the graph output's bytes, concatenated.
inline std::vector<int8_t> reference_outputs(const quant::QuantizedModel& m,
                                             const std::vector<std::vector<int8_t>>& inputs) {
  std::vector<int8_t> all;
  const int out = m.graph.outputs()[0];
  for (const auto& x : inputs) {
    const auto values = quant::run_int8(m, {x});
    all.insert(all.end(), values[out].begin(), values[out].end());
  }
  return all;
}

}  // namespace hwnas::codegen::testing
