#pragma once
// Post-training int8 quantization as TFLite and XNNPACK define it: activations per tensor,
// asymmetric (real = scale * (q - zero_point), q in [-128, 127], the range always holding
// 0 exactly); conv and depthwise weights per output channel and FC weights per tensor,
// symmetric (zero_point 0, q in [-127, 127]); biases int32 with scale = input scale *
// weight scale. Activation ranges are calibrated by running the reference kernels.
//
//   auto ranges = runtime::calibrate_ranges(graph, params, inputs);   // min/max per node
//   runtime::QParams q = runtime::activation_qparams(ranges[id].first, ranges[id].second);
//   std::vector<float> scales;
//   std::vector<int8_t> w8 = runtime::quantize_weights(kernel, cout, /*channel_last=*/false, scales);
#include <cstdint>
#include <utility>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/fold.h"
#include "hwnas/runtime/tensor.h"

namespace hwnas::runtime {

struct QParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
  bool operator==(const QParams&) const = default;
};

// Asymmetric int8 parameters covering [min(lo, 0), max(hi, 0)].
QParams activation_qparams(float lo, float hi);

// Symmetric int8 weights with one scale per channel (channels = 1: per tensor). The channel
// of element i is i / (size / channels), or i % channels when `channel_last` (depthwise).
std::vector<int8_t> quantize_weights(const std::vector<float>& w, int channels, bool channel_last,
                                     std::vector<float>& scales);

// quantize_weights for a layer with a bias, as TFLite's converter does it (quantization_utils.cc,
// AdjustWeightsForBiasScale): a channel whose bias needs half of int32 or more at input_scale x
// weight scale -- weights near zero under a real bias, as in a head training left unused -- gets
// the weight scale 2 |bias| / (input_scale x (2^31 - 1)) instead, so that its bias fits.
std::vector<int8_t> quantize_weights(const std::vector<float>& w, int channels, bool channel_last,
                                     const std::vector<float>& bias, float input_scale, std::vector<float>& scales);

// int32 bias: round(bias[c] / (input_scale * weight_scale[c or 0])), clamped to +-(2^31 - 1).
std::vector<int32_t> quantize_bias(const std::vector<float>& bias, float input_scale,
                                   const std::vector<float>& weight_scales);

// The calibration sample the xnnpack backend quantizes with: for every graph input, values
// U(-1, 1) drawn from Rng(seed). One sample fixes every activation range, so an input from
// elsewhere saturates where it leaves them (layers with few values, like a classifier's
// logits, are the first to) - fine for timing, not a substitute for calibrating on real data.
std::vector<Tensor> calibration_inputs(const ir::Graph& g, uint64_t seed);

// [min, max] of every node's output when the graph runs on `inputs` with the reference
// kernels and `params`; a folded batch_norm gets the range of the layer it was folded into.
std::vector<std::pair<float, float>> calibrate_ranges(const ir::Graph& g, const InferenceParams& params,
                                                      const std::vector<Tensor>& inputs);

}  // namespace hwnas::runtime
