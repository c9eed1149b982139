#pragma once
// The int8 reference kernels: plain loops over NHWC tensors with exactly TFLite's integer
// arithmetic (reference/integer_ops/*.h), so that they define the int8 result bit for bit
// (the C code generator must reproduce them). Per op:
//   conv / depthwise / FC  (and a batch_norm that did not fold: a 1x1 depthwise)
//                          acc = bias[c] + sum w * (x - zp_in) in int32; padding contributes 0;
//                          y = clamp(mbqm(acc, M[c]) + zp_out, act_min, act_max)
//   add                    x_k' = mbqm((x_k - zp_k) << 20, M_k); y = clamp(mbqm(sum x_k', M) + zp_out)
//   mul                    y = clamp(mbqm((x1 - zp1) * (x2 - zp2), M) + zp_out)
//   relu / relu6           y = clamp(mbqm(x - zp_in, M) + zp_out, act_min, act_max)
//   avg_pool               integer mean of the window, rounded half away from zero (same params)
//   global_avg_pool        TFLite's MEAN: s = sum (x - zp_in); mbqm(s, s_in/s_out); / H*W rounded
//                          half away from zero; + zp_out
//   max_pool               max of the window (same params); reshape / flatten copy
//   concat                 each input requantized to the output's parameters in fp32, as TFLite's
//                          ConcatenationWithScaling: round(x * s_k/s_out - zp_k * s_k/s_out) + zp_out
//   sigmoid, swish, hard_swish, hard_sigmoid: the node's 256-entry table
//   softmax (last axis)    TFLite's LUT kernel: e_j = expf(-s_in * (max - x_j)) in fp32;
//                          y_j = clamp(round(e_j / (sum e * s_out)) + zp_out), output 1/256, -128
// (mbqm = multiply_by_quantized_multiplier, fixed_point.h.)
//
//   auto x8 = quant::quantize_inputs(model, {input_tensor});
//   auto values = quant::run_int8(model, x8);        // values[id]: node id's int8 output
//   auto y = quant::dequantize_values(values[out], model.output_params(out));
#include <cstdint>
#include <span>
#include <vector>

#include "hwnas/quant/quantized_model.h"
#include "hwnas/runtime/tensor.h"

namespace hwnas::quant {

// Computes node `id` (not an alias, not an input) into `out` from its inputs' int8 data, in the
// order of node.inputs.
void int8_node(const QuantizedModel& m, int id, std::span<const int8_t* const> inputs, int8_t* out);

// Runs the whole model. `inputs`: one int8 tensor per graph input (graph.inputs() order).
// Returns every node's int8 output (an alias holds a copy of its storage's; a node no output
// depends on is empty). Throws hwnas::Error on a wrong count or size of inputs.
std::vector<std::vector<int8_t>> run_int8(const QuantizedModel& m, const std::vector<std::vector<int8_t>>& inputs);

// The fp32 graph inputs quantized with the input nodes' parameters.
std::vector<std::vector<int8_t>> quantize_inputs(const QuantizedModel& m, const std::vector<runtime::Tensor>& inputs);

}  // namespace hwnas::quant
