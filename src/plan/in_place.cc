#include "hwnas/plan/in_place.h"

#include "hwnas/ir/fusion.h"
#include "hwnas/ir/op_traits.h"
#include "hwnas/ir/stats.h"
#include "hwnas/plan/codegen_kernels.h"

namespace hwnas::plan {
namespace {

// A relu/relu6 that quant fuses into the layer it reads (directly or through a folded batch_norm).
bool is_fused_activation(const ir::Graph& g, const std::vector<std::vector<int>>& consumers, int id) {
  const ir::Node& n = g.node(id);
  if (n.op != ir::OpKind::Relu && n.op != ir::OpKind::Relu6) return false;
  const int source = n.inputs[0];
  const int folded = ir::fold_target(g, consumers, source);
  const int layer = folded >= 0 ? folded : source;
  return ir::fusable_activation(g, consumers, layer) == id;
}

}  // namespace

bool is_alias(const ir::Graph& g, const std::vector<std::vector<int>>& consumers, int id, const InPlaceRules& rules) {
  return ir::traits(g.node(id).op).alias || ir::fold_target(g, consumers, id) >= 0 ||
         (rules.fuse_activations && is_fused_activation(g, consumers, id));
}

bool same_shape_depthwise(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  return ir::traits(n.op).in_place == ir::InPlace::Depthwise && n.attrs.multiplier == 1 &&
         g.node(n.inputs[0]).shape == n.shape;
}

bool same_shape_pointwise(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  if (n.op != ir::OpKind::Conv2D) return false;
  const ir::Shape& in = g.node(n.inputs[0]).shape;
  return is_pointwise(n, in) && in == n.shape;
}

bool may_run_in_place(const ir::Graph& g, int id, const InPlaceRules& rules) {
  return (rules.elementwise && ir::traits(g.node(id).op).in_place == ir::InPlace::Elementwise) ||
         (rules.depthwise && same_shape_depthwise(g, id)) || (rules.pointwise && same_shape_pointwise(g, id));
}

}  // namespace hwnas::plan
