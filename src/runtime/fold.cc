#include "hwnas/runtime/fold.h"

#include <algorithm>
#include <cmath>

#include "hwnas/ir/stats.h"

namespace hwnas::runtime {

InferenceParams inference_params(const ir::Graph& g, const Weights& w, bool fold) {
  check_weights(g, w);
  InferenceParams p;
  p.nodes.resize(g.size());
  for (int id = 0; id < g.size(); ++id) {
    const ir::Node& n = g.node(id);
    if (!ir::has_weights(n.op)) continue;
    NodeParams& np = p.nodes[id];
    if (n.op != ir::OpKind::BatchNorm) {
      np.kernel = w.at(n.name, "kernel").data;
      if (n.attrs.bias) np.bias = w.at(n.name, "bias").data;
      continue;
    }
    const auto& gamma = w.at(n.name, "gamma").data;
    const auto& beta = w.at(n.name, "beta").data;
    const auto& mean = w.at(n.name, "mean").data;
    const auto& var = w.at(n.name, "var").data;
    const size_t c = gamma.size();
    np.scale.resize(c);
    np.shift.resize(c);
    for (size_t i = 0; i < c; ++i) {
      np.scale[i] = static_cast<float>(gamma[i] / std::sqrt(static_cast<double>(var[i]) + n.attrs.epsilon));
      np.shift[i] = beta[i] - mean[i] * np.scale[i];
    }
  }
  if (!fold) return p;

  const auto consumers = g.consumers();
  for (int id = 0; id < g.size(); ++id) {
    if (g.node(id).op != ir::OpKind::BatchNorm) continue;
    const int target = ir::fold_target(g, consumers, id);
    if (target < 0) continue;
    NodeParams& bn = p.nodes[id];
    NodeParams& layer = p.nodes[target];
    const size_t c = bn.scale.size();
    if (layer.bias.empty()) layer.bias.assign(c, 0.0f);
    // Output channel of kernel element i: the leading dim for conv/FC ([Cout, ...]), the
    // trailing one for depthwise ([1, kh, kw, C]).
    const bool channel_last = g.node(target).op == ir::OpKind::DepthwiseConv2D;
    const size_t per_channel = layer.kernel.size() / c;
    for (size_t i = 0; i < layer.kernel.size(); ++i)
      layer.kernel[i] *= bn.scale[channel_last ? i % c : i / per_channel];
    for (size_t co = 0; co < c; ++co) layer.bias[co] = layer.bias[co] * bn.scale[co] + bn.shift[co];
    bn = NodeParams{};
    bn.alias_of = target;
    ++p.folded;
  }
  return p;
}

}  // namespace hwnas::runtime
