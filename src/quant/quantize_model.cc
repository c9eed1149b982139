// Quantization parameters of every node, chosen as TFLite's converter and kernels' Prepare
// steps choose them for the int8 spec (see quantized_model.h for the layout).
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "hwnas/core/error.h"
#include "hwnas/ir/fusion.h"
#include "hwnas/quant/quantized_model.h"

namespace hwnas::quant {
namespace {

using ir::OpKind;

// Why an op has no int8 kernel here, or "" when it has one.
std::string unsupported_reason(const ir::Graph& g, int id, const runtime::InferenceParams& params) {
  const ir::Node& n = g.node(id);
  switch (n.op) {
    case OpKind::BatchNorm:
      if (params.nodes[id].alias_of >= 0 || n.shape.rank() == 4) return "";
      return "a batch_norm on a rank-" + std::to_string(n.shape.rank()) +
             " tensor that does not fold into its producer (int8 runs a standalone one as a 1x1 depthwise conv, NHWC only)";
    case OpKind::Softmax: {
      const int rank = n.shape.rank(), axis = n.attrs.axis < 0 ? n.attrs.axis + rank : n.attrs.axis;
      if (axis == rank - 1) return "";
      return "softmax over axis " + std::to_string(n.attrs.axis) +
             " (TFLite's int8 SOFTMAX normalises the last axis; move the axis last with a reshape)";
    }
    case OpKind::Resize:
      return "resize (quant/ has no int8 resize kernel yet)";
    case OpKind::Mul:
      if (n.inputs.size() != 2) return "mul with more than two inputs";
      return "";
    default:
      return "";
  }
}

float lut_function(OpKind op, float x) {
  const auto relu6 = [](float v) { return std::min(std::max(v, 0.0f), 6.0f); };
  switch (op) {
    case OpKind::Sigmoid:
      return 1.0f / (1.0f + std::exp(-x));
    case OpKind::Swish:
      return x / (1.0f + std::exp(-x));
    case OpKind::HardSwish:
      return x * relu6(x + 3.0f) / 6.0f;
    case OpKind::HardSigmoid:
      return relu6(x + 3.0f) / 6.0f;
    default:
      return x;
  }
}

}  // namespace

std::string_view fused_activation_name(FusedActivation a) {
  switch (a) {
    case FusedActivation::Relu:
      return "relu";
    case FusedActivation::Relu6:
      return "relu6";
    case FusedActivation::None:
      break;
  }
  return "none";
}

int QuantizedModel::storage(int id) const {
  while (nodes.at(id).alias_of >= 0) id = nodes[id].alias_of;
  return id;
}

int8_t quantize_value(float x, QParams q) {
  const float r = std::round(x / q.scale);
  // Compare in float before converting: an out-of-range float to int conversion is undefined.
  if (!(r > -1e9f)) return -128;
  if (r > 1e9f) return 127;
  return static_cast<int8_t>(std::clamp<int32_t>(static_cast<int32_t>(r) + q.zero_point, -128, 127));
}

std::vector<int8_t> quantize_values(std::span<const float> x, QParams q) {
  std::vector<int8_t> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = quantize_value(x[i], q);
  return out;
}

std::vector<float> dequantize_values(std::span<const int8_t> q, QParams p) {
  std::vector<float> out(q.size());
  for (size_t i = 0; i < q.size(); ++i) out[i] = p.scale * static_cast<float>(int32_t{q[i]} - p.zero_point);
  return out;
}

std::pair<int32_t, int32_t> activation_range(FusedActivation a, QParams q) {
  auto quantize = [&](float f) { return q.zero_point + static_cast<int32_t>(std::round(f / q.scale)); };
  switch (a) {
    case FusedActivation::Relu:
      return {std::max(-128, quantize(0.0f)), 127};
    case FusedActivation::Relu6:
      return {std::max(-128, quantize(0.0f)), std::min(127, quantize(6.0f))};
    case FusedActivation::None:
      break;
  }
  return {-128, 127};
}

void check_quantizable(const ir::Graph& g, const runtime::InferenceParams& params) {
  if (params.nodes.size() != static_cast<size_t>(g.size()))
    fail(g.name(), "inference params for {} nodes, the graph has {}", params.nodes.size(), g.size());
  const auto live = g.live();
  for (int id = 0; id < g.size(); ++id) {
    if (!live[id]) continue;
    const std::string why = unsupported_reason(g, id, params);
    if (!why.empty()) fail(g.describe(id), "not supported in int8: {}", why);
  }
}

QuantizedModel quantize_model(const ir::Graph& g, const runtime::InferenceParams& params,
                              const std::vector<std::pair<float, float>>& ranges, const QuantizeOptions& options) {
  check_quantizable(g, params);
  if (ranges.size() != static_cast<size_t>(g.size()))
    fail(g.name(), "calibration ranges for {} nodes, the graph has {}", ranges.size(), g.size());
  QuantizedModel m;
  m.graph = g;
  m.nodes.resize(g.size());
  const auto consumers = g.consumers();
  const auto live = g.live();
  auto qparams_of_range = [&](int id) {
    const auto [lo, hi] = ranges[id];
    if (!std::isfinite(lo) || !std::isfinite(hi))
      fail(g.describe(id), "calibration range [{}, {}] is not finite; the fp32 model overflows or was not calibrated",
           lo, hi);
    return runtime::activation_qparams(lo, hi);
  };

  // Fusions first: a fused activation's range decides its layer's output parameters.
  std::vector<int> fused_into(g.size(), -1);
  if (options.fuse_activations)
    for (int id = 0; id < g.size(); ++id) {
      // The structural rule plan's memory estimate shares (ir/fusion.h). Folding applies to every
      // batch_norm that can fold or to none, so params.folded > 0 says which (none folding
      // when none can, either answer is the same).
      const int act = ir::fusable_activation(g, consumers, id, params.folded > 0);
      if (act < 0) continue;
      m.nodes[id].fused_node = act;
      m.nodes[id].fused = g.node(act).op == OpKind::Relu ? FusedActivation::Relu : FusedActivation::Relu6;
      fused_into[act] = id;
    }

  for (int id = 0; id < g.size(); ++id) {
    const ir::Node& n = g.node(id);
    QuantNode& q = m.nodes[id];
    if (params.nodes[id].alias_of >= 0) {
      q.alias_of = params.nodes[id].alias_of;
      continue;
    }
    if (fused_into[id] >= 0) {
      q.alias_of = fused_into[id];
      continue;
    }
    if (!live[id]) continue;  // no reader: never computed
    const QParams in = n.inputs.empty() ? QParams{} : m.output_params(n.inputs[0]);
    auto set_requant = [&](double real) { q.out_multipliers = {quantize_multiplier(real)}; };
    switch (n.op) {
      case OpKind::Input:
        q.out = qparams_of_range(id);
        break;
      case OpKind::BatchNorm: {
        // A batch_norm that could not fold (its producer has other readers, or is an add) runs
        // as a 1x1 depthwise conv: the per-channel scale as int8 weights, the shift as int32 bias.
        const runtime::NodeParams& p = params.nodes[id];
        q.weights = runtime::quantize_weights(p.scale, static_cast<int>(p.scale.size()), true, p.shift, in.scale,
                                              q.weight_scales);
        q.bias = runtime::quantize_bias(p.shift, in.scale, q.weight_scales);
        q.out = qparams_of_range(id);
        for (float ws : q.weight_scales)
          q.out_multipliers.push_back(quantize_multiplier(double{in.scale} * ws / double{q.out.scale}));
        break;
      }
      case OpKind::Conv2D:
      case OpKind::DepthwiseConv2D:
      case OpKind::FullyConnected: {
        const runtime::NodeParams& p = params.nodes[id];
        const int cout = static_cast<int>(n.shape[n.shape.rank() - 1]);
        const bool channel_last = n.op == OpKind::DepthwiseConv2D;
        const int channels = n.op == OpKind::FullyConnected && !options.per_channel_fc ? 1 : cout;
        const std::vector<float> bias = p.bias.empty() ? std::vector<float>(cout, 0.0f) : p.bias;
        q.weights = runtime::quantize_weights(p.kernel, channels, channel_last, bias, in.scale, q.weight_scales);
        q.bias = runtime::quantize_bias(bias, in.scale, q.weight_scales);
        q.out = qparams_of_range(q.fused_node >= 0 ? q.fused_node : id);
        for (float ws : q.weight_scales)  // one per channel, or one for a per-tensor FC
          q.out_multipliers.push_back(quantize_multiplier(double{in.scale} * ws / double{q.out.scale}));
        std::tie(q.act_min, q.act_max) = activation_range(q.fused, q.out);
        break;
      }
      case OpKind::Relu:
      case OpKind::Relu6:
        q.out = qparams_of_range(id);
        set_requant(double{in.scale} / double{q.out.scale});
        std::tie(q.act_min, q.act_max) =
            activation_range(n.op == OpKind::Relu ? FusedActivation::Relu : FusedActivation::Relu6, q.out);
        break;
      case OpKind::Add: {
        // TFLite's int8 add: inputs shifted left 20 bits, each scaled by s_k / (2 max s), the
        // sum by 2 max s / (2^20 s_out). Two or more inputs (NB201 cells sum three edges).
        q.out = qparams_of_range(id);
        q.left_shift = 20;
        float max_scale = 0;
        for (int x : n.inputs) max_scale = std::max(max_scale, m.output_params(x).scale);
        const double twice_max = 2.0 * max_scale;
        for (int x : n.inputs) q.in_multipliers.push_back(quantize_multiplier(m.output_params(x).scale / twice_max));
        set_requant(twice_max / ((1 << q.left_shift) * double{q.out.scale}));
        break;
      }
      case OpKind::Mul:
        q.out = qparams_of_range(id);
        set_requant(double{in.scale} * m.output_params(n.inputs[1]).scale / double{q.out.scale});
        break;
      case OpKind::AvgPool:
      case OpKind::MaxPool:
      case OpKind::Reshape:
      case OpKind::Flatten:
      case OpKind::Pad:
      case OpKind::Zero:
        // TFLite's pools and reshapes keep their input's parameters (the kernels require it).
        q.out = in;
        break;
      case OpKind::GlobalAvgPool:  // TFLite's MEAN over H, W: multiplier s_in / s_out
        q.out = qparams_of_range(id);
        set_requant(double{in.scale} / double{q.out.scale});
        break;
      case OpKind::Concat:
        q.out = qparams_of_range(id);
        break;
      case OpKind::Sigmoid:
      case OpKind::HardSigmoid:
      case OpKind::Swish:
      case OpKind::HardSwish: {
        // A 256-entry table, as TFLite's int8 LUT kernels build it: dequantize every code, apply
        // the function in fp32, quantize. Sigmoid's output is fixed at 1/256, -128 (TFLite's spec).
        q.out =
            n.op == OpKind::Sigmoid || n.op == OpKind::HardSigmoid ? QParams{1.0f / 256, -128} : qparams_of_range(id);
        q.lut.resize(256);
        for (int v = -128; v <= 127; ++v)
          q.lut[v + 128] = quantize_value(lut_function(n.op, in.scale * static_cast<float>(v - in.zero_point)), q.out);
        break;
      }
      case OpKind::Softmax:
        q.out = QParams{1.0f / 256, -128};  // TFLite's int8 SOFTMAX output, fixed by its spec
        break;
      case OpKind::Resize:
        fail(g.describe(id), "not supported in int8: {}", ir::op_name(n.op));  // check_quantizable says why
    }
  }
  return m;
}

}  // namespace hwnas::quant
