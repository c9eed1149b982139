#pragma once
// ir::fusable_activation: the relu/relu6 an int8 deployment fuses into a layer's output clamp,
// decided from the graph alone, so that quant (which fuses it) and plan (which predicts the
// generated code's memory, where the fused activation shares its layer's buffer) agree by
// construction.
//
//   const auto consumers = g.consumers();
//   int act = ir::fusable_activation(g, consumers, conv_id);   // -1: nothing fuses
//
// Rule (TFLite's converter fuses the same pairs): `layer` is a conv2d, depthwise_conv2d or
// fully_connected; its only reader, possibly through the batch_norm folded into it
// (ir::fold_target; only when `batch_norms_folded`, as they are for deployment), is a relu or
// relu6; neither the layer nor that batch_norm is a graph output.
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::ir {

int fusable_activation(const Graph& g, const std::vector<std::vector<int>>& consumers, int layer,
                       bool batch_norms_folded = true);

}  // namespace hwnas::ir
