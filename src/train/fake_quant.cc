#include "hwnas/train/fake_quant.h"

#include "hwnas/core/error.h"

namespace hwnas::train {
namespace {

using ir::OpKind;

// The shape that broadcasts a per-output-channel vector over a kernel in hwnas layout:
// [Cout, ...] for conv and FC, [1, kh, kw, C] (channel last) for depthwise.
std::vector<int64_t> channel_view(OpKind op, int64_t rank) {
  std::vector<int64_t> v(static_cast<size_t>(rank), 1);
  v[op == OpKind::DepthwiseConv2D ? rank - 1 : 0] = -1;
  return v;
}

// runtime::quantize_weights' scale: max |w| / 127 per channel (1 for an all-zero channel).
torch::Tensor symmetric_scales(const torch::Tensor& w, int64_t axis, bool per_tensor) {
  torch::Tensor amax =
      per_tensor ? w.abs().max().reshape({1}) : w.abs().movedim(axis, 0).reshape({w.size(axis), -1}).amax(1);
  amax = amax.detach();
  return torch::where(amax > 0, amax / 127.0, torch::ones_like(amax));
}

torch::Tensor fake_quantize_weights(const torch::Tensor& w, const torch::Tensor& scales, int64_t axis) {
  if (scales.numel() == 1) return torch::fake_quantize_per_tensor_affine(w, scales.item<double>(), 0, -127, 127);
  const torch::Tensor zero = torch::zeros({scales.numel()}, torch::kInt32);
  return torch::fake_quantize_per_channel_affine(w, scales.to(torch::kFloat32), zero, axis, -127, 127);
}

// quant's int32 bias: round(b / (s_in * s_w[c])) steps, straight-through.
torch::Tensor fake_quantize_bias(const torch::Tensor& b, float input_scale, const torch::Tensor& weight_scales) {
  const torch::Tensor step = (weight_scales * input_scale).detach();
  return b + (torch::round(b / step) * step - b).detach();
}

}  // namespace

Int8Simulation::Int8Simulation(const GraphModule& m, const quant::QuantizedModel& plan) : m_(m), plan_(plan) {
  const ir::Graph& g = m.graph();
  if (plan.graph.size() != g.size() || plan.nodes.size() != static_cast<size_t>(g.size()) ||
      plan.graph.name() != g.name())
    fail("train::Int8Simulation", "the quantization plan is of graph '{}' ({} nodes), the module's is '{}' ({} nodes)",
         plan.graph.name(), plan.graph.size(), g.name(), g.size());
  folded_bn_.assign(static_cast<size_t>(g.size()), -1);
  for (int id = 0; id < g.size(); ++id)
    if (g.node(id).op == OpKind::BatchNorm && plan.nodes[id].alias_of >= 0) folded_bn_[plan.nodes[id].alias_of] = id;
  layers_.resize(static_cast<size_t>(g.size()));
}

void Int8Simulation::begin() {
  const ir::Graph& g = m_.graph();
  const auto live = g.live();
  for (int id = 0; id < g.size(); ++id) {
    const ir::Node& n = g.node(id);
    Layer& l = layers_[static_cast<size_t>(id)];
    l = {};
    if (!live[id] || !ir::has_weights(n.op)) continue;
    const quant::QuantNode& q = plan_.nodes[id];
    if (n.op == OpKind::BatchNorm && q.alias_of >= 0) {
      l.identity = true;  // folded into its layer below
      continue;
    }
    const float input_scale = plan_.output_params(n.inputs.at(0)).scale;
    if (n.op == OpKind::BatchNorm) {  // standalone: quant's 1x1 depthwise, scale and shift per channel
      const torch::Tensor s = m_.tensor(id, "gamma") / torch::sqrt(m_.tensor(id, "var") + n.attrs.epsilon);
      const torch::Tensor shift = m_.tensor(id, "beta") - m_.tensor(id, "mean") * s;
      const torch::Tensor scales = symmetric_scales(s, 0, false);
      l.kernel = fake_quantize_weights(s, scales, 0);
      l.bias = fake_quantize_bias(shift, input_scale, scales);
      continue;
    }
    torch::Tensor kernel = m_.tensor(id, "kernel");
    torch::Tensor bias = m_.tensor(id, "bias");
    if (const int bn = folded_bn_[static_cast<size_t>(id)]; bn >= 0) {
      // runtime::inference_params' fold on the frozen running statistics (the module stays
      // differentiable in kernel, bias, gamma and beta).
      const torch::Tensor s = m_.tensor(bn, "gamma") / torch::sqrt(m_.tensor(bn, "var") + g.node(bn).attrs.epsilon);
      kernel = kernel * s.reshape(channel_view(n.op, kernel.dim()));
      bias = ((bias.defined() ? bias : torch::zeros_like(s)) - m_.tensor(bn, "mean")) * s + m_.tensor(bn, "beta");
    }
    const int64_t axis = n.op == OpKind::DepthwiseConv2D ? kernel.dim() - 1 : 0;
    const torch::Tensor scales = symmetric_scales(kernel, axis, q.weight_scales.size() == 1);
    l.kernel = fake_quantize_weights(kernel, scales, axis);
    if (bias.defined()) l.bias = fake_quantize_bias(bias, input_scale, scales);
  }
}

ForwardHook::Layer Int8Simulation::layer(int node) { return layers_.at(static_cast<size_t>(node)); }

torch::Tensor Int8Simulation::output(int node, const torch::Tensor& y) {
  // An alias (a folded batch_norm, a fused relu/relu6) reads its layer's value, already on the grid.
  if (plan_.nodes.at(static_cast<size_t>(node)).alias_of >= 0) return y;
  const quant::QParams p = plan_.nodes[static_cast<size_t>(node)].out;
  return torch::fake_quantize_per_tensor_affine(y, p.scale, p.zero_point, -128, 127);
}

}  // namespace hwnas::train
