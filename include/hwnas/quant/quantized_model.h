#pragma once
// quant::QuantizedModel: an ir::Graph with everything its int8 execution needs, as TFLite's
// converter lays it out for the int8 spec: per tensor an asymmetric int8 scale and zero point;
// conv / depthwise / FC weights int8, symmetric ([-127, 127], zero point 0), one scale per
// output channel; int32 biases at input scale * weight scale; per-channel output multipliers
// (fixed_point.h); a relu/relu6 that directly follows a conv / depthwise / FC fused into that
// layer's output clamp. run_int8.h executes it; model_folder.h writes and reads it.
//
//   runtime::InferenceParams p = runtime::inference_params(graph, weights, /*fold=*/true);
//   auto ranges = quant::calibrate(graph, p, samples);          // calibration.h
//   quant::QuantizedModel m = quant::quantize_model(graph, p, ranges);
//   m.output_params(id);   // scale and zero point of node id's int8 output (aliases resolved)
//
// Nodes whose output is another node's (a folded batch_norm, a fused relu/relu6) have
// alias_of set; their int8 output is that node's, with that node's parameters.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/quant/fixed_point.h"
#include "hwnas/runtime/fold.h"
#include "hwnas/runtime/quantize.h"

namespace hwnas::quant {

using runtime::QParams;

// A relu/relu6 fused into a layer's output clamp.
enum class FusedActivation : uint8_t { None, Relu, Relu6 };
std::string_view fused_activation_name(FusedActivation a);  // "none", "relu", "relu6"

struct QuantNode {
  int alias_of = -1;                      // folded batch_norm / fused activation: the layer it shares
  QParams out;                            // its int8 output: real = scale * (q - zero_point)
  int32_t act_min = -128, act_max = 127;  // the output clamp (a fused activation narrows it)
  FusedActivation fused = FusedActivation::None;
  int fused_node = -1;  // the relu/relu6 fused into this layer, or -1
  // conv2d, depthwise_conv2d, fully_connected (layouts of runtime/weights.h); a standalone
  // batch_norm as a 1x1 depthwise ([1, 1, 1, C]):
  std::vector<int8_t> weights;
  std::vector<float> weight_scales;  // per output channel (one: per tensor)
  std::vector<int32_t> bias;         // per output channel; zeros when the layer has none
  // The output requantization: per output channel for conv/depthwise/FC; one for the other
  // ops that rescale (add's sum, mul, relu, relu6, global_avg_pool).
  std::vector<Multiplier> out_multipliers;
  // add: one per input, applied after shifting the input left by left_shift bits.
  std::vector<Multiplier> in_multipliers;
  int left_shift = 0;
  std::vector<int8_t> lut;  // sigmoid, swish, hard_swish, hard_sigmoid: out[q + 128]

  bool operator==(const QuantNode&) const = default;
};

struct QuantizedModel {
  ir::Graph graph;
  std::vector<QuantNode> nodes;  // one per graph node

  // The node whose buffer holds `id`'s output (itself unless an alias).
  int storage(int id) const;
  const QParams& output_params(int id) const { return nodes[storage(id)].out; }
  bool operator==(const QuantizedModel&) const = default;
};

struct QuantizeOptions {
  // false quantizes FC weights with one scale for the whole tensor (XNNPACK's and older
  // TFLite's FC), to compare; per channel costs nothing at run time.
  bool per_channel_fc = true;
  // false keeps every relu/relu6 a separate op (each with its own requantization).
  bool fuse_activations = true;
};

// Throws hwnas::Error naming the first node whose op has no int8 kernel here:
//   "node 'head.softmax' (softmax): not supported in int8: softmax (quant/ has no int8 kernel ...)"
void check_quantizable(const ir::Graph& g, const runtime::InferenceParams& params);

// `ranges[id]` is [min, max] of node id's fp32 output (calibration.h). The graph must have
// been folded (params from inference_params(..., true)); a batch_norm that cannot fold (its
// producer is an add, or has other readers) runs as a 1x1 depthwise conv with per-channel
// int8 weights (its scale) and int32 bias (its shift).
QuantizedModel quantize_model(const ir::Graph& g, const runtime::InferenceParams& params,
                              const std::vector<std::pair<float, float>>& ranges, const QuantizeOptions& options = {});

// The int8 clamp [min, max] of an output with `q` after `a` (TFLite's
// CalculateActivationRangeQuantized: relu from quantize(0), relu6 up to quantize(6)).
std::pair<int32_t, int32_t> activation_range(FusedActivation a, QParams q);

// q = clamp(round(x / scale) + zero_point, -128, 127), ties away from zero (TFLite's Quantize).
int8_t quantize_value(float x, QParams q);
std::vector<int8_t> quantize_values(std::span<const float> x, QParams q);
std::vector<float> dequantize_values(std::span<const int8_t> q, QParams p);

}  // namespace hwnas::quant
