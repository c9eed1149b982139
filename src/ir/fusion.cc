#include "hwnas/ir/fusion.h"

#include <algorithm>

#include "hwnas/ir/op_traits.h"
#include "hwnas/ir/stats.h"

namespace hwnas::ir {

int fusable_activation(const Graph& g, const std::vector<std::vector<int>>& consumers, int layer,
                       bool batch_norms_folded) {
  if (!is_linear(g.node(layer).op)) return -1;
  const auto& outputs = g.outputs();
  auto is_output = [&](int x) { return std::find(outputs.begin(), outputs.end(), x) != outputs.end(); };
  int tail = layer;  // the tensor the activation would read: the layer's, or its folded batch_norm's
  if (batch_norms_folded && consumers[tail].size() == 1 && fold_target(g, consumers, consumers[tail][0]) == layer)
    tail = consumers[tail][0];
  if (is_output(layer) || is_output(tail) || consumers[tail].size() != 1) return -1;
  const int act = consumers[tail][0];
  const OpKind op = g.node(act).op;
  return op == OpKind::Relu || op == OpKind::Relu6 ? act : -1;
}

}  // namespace hwnas::ir
