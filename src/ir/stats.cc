#include "hwnas/ir/stats.h"

#include <algorithm>

#include "hwnas/ir/op_traits.h"

namespace hwnas::ir {

int fold_target(const Graph& g, const std::vector<std::vector<int>>& consumers, int bn) {
  const Node& n = g.node(bn);
  if (!traits(n.op).folds_into_producer) return -1;
  const int producer = n.inputs[0];
  // A layer that is itself a graph output must keep its unnormalised result.
  const auto& outputs = g.outputs();
  if (std::find(outputs.begin(), outputs.end(), producer) != outputs.end()) return -1;
  return is_linear(g.node(producer).op) && consumers[producer].size() == 1 ? producer : -1;
}

Stats compute_stats(const Graph& g) {
  Stats s;
  s.nodes.resize(g.size());
  const auto consumers = g.consumers();
  for (int i = 0; i < g.size(); ++i) {
    const Node& n = g.node(i);
    NodeStats& ns = s.nodes[i];
    const Shape& out = n.shape;
    ns.activation_elems = out.numel();
    const auto in_shape = [&](int k) -> const Shape& { return g.node(n.inputs[k]).shape; };
    switch (traits(n.op).macs) {
      case MacsRule::Conv: {
        const int64_t cin = in_shape(0).c();
        ns.kernel_elems = int64_t{n.attrs.kernel_h} * n.attrs.kernel_w * (cin / n.attrs.groups) * out.c();
        ns.macs = out.n() * out.h() * out.w() * ns.kernel_elems;
        ns.params = ns.kernel_elems + (n.attrs.bias ? out.c() : 0);
        ns.bias_elems = n.attrs.bias ? out.c() : 0;
        break;
      }
      case MacsRule::Depthwise: {
        ns.kernel_elems = int64_t{n.attrs.kernel_h} * n.attrs.kernel_w * out.c();
        ns.macs = out.n() * out.h() * out.w() * ns.kernel_elems;
        ns.params = ns.kernel_elems + (n.attrs.bias ? out.c() : 0);
        ns.bias_elems = n.attrs.bias ? out.c() : 0;
        break;
      }
      case MacsRule::FullyConnected: {
        const Shape& x = in_shape(0);
        const int64_t in_features = x.numel() / x[0];
        ns.kernel_elems = in_features * n.attrs.out_channels;
        ns.macs = x[0] * ns.kernel_elems;
        ns.params = ns.kernel_elems + (n.attrs.bias ? n.attrs.out_channels : 0);
        ns.bias_elems = n.attrs.bias ? n.attrs.out_channels : 0;
        break;
      }
      case MacsRule::BatchNorm: {
        const int64_t c = out[out.rank() - 1];
        ns.params = 2 * c;
        const int target = fold_target(g, consumers, i);
        if (target < 0) {
          ns.scale_elems = 2 * c;
        } else if (!g.node(target).attrs.bias) {
          ns.bias_elems = c;  // folding creates the conv's bias
        }
        break;
      }
      case MacsRule::None:
        break;
    }
    s.macs += ns.macs;
    s.params += ns.params;
    s.activation_elems_total += ns.activation_elems;
    s.activation_elems_max = std::max(s.activation_elems_max, ns.activation_elems);
  }
  return s;
}

int64_t NodeStats::weight_bytes(DType dtype) const {
  const int64_t elem = dtype_bytes(dtype);
  const int64_t bias = dtype == DType::i8 ? 4 : elem;  // int8 kernels keep int32 biases
  return kernel_elems * elem + bias_elems * bias + scale_elems * elem;
}

int64_t Stats::weight_bytes(DType dtype) const {
  int64_t bytes = 0;
  for (const NodeStats& n : nodes) bytes += n.weight_bytes(dtype);
  return bytes;
}

}  // namespace hwnas::ir
