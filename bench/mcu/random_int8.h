#pragma once
// A model quantized with random weights and random calibration inputs, for the M7 benches: the
// generated code, and so its cycles and memory, depend on the shapes and the quantization, not on
// what the network has learnt.
#include "hwnas/core/rng.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/quantized_model.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::bench {

inline quant::QuantizedModel random_int8(const ir::Graph& g, uint64_t seed) {
  const runtime::Weights w = runtime::init_weights(g, {.seed = seed, .random_bn_stats = true});
  const runtime::InferenceParams p = runtime::inference_params(g, w, true);
  std::vector<std::vector<runtime::Tensor>> calib;
  Rng rng(seed);
  for (int s = 0; s < 4; ++s) {
    runtime::Tensor t(g.node(g.inputs().at(0)).shape);
    for (float& v : t.data) v = static_cast<float>(2 * rng.uniform() - 1);
    calib.push_back({t});
  }
  return quant::quantize_model(g, p, quant::calibrate(g, p, calib));
}

// One random int8 input of the model's size.
inline std::vector<int8_t> random_input(int64_t bytes, uint64_t seed) {
  Rng rng(seed);
  std::vector<int8_t> x(static_cast<size_t>(bytes));
  for (int8_t& v : x) v = static_cast<int8_t>(rng.uniform_int(-128, 127));
  return x;
}

}  // namespace hwnas::bench
