#pragma once
// The inference form of a graph's weights, which every backend executes: per node, the kernel
// and bias of conv / depthwise / FC, and y = x * scale + shift for a standalone BatchNorm.
// With folding on, a BatchNorm whose only input is a conv/depthwise/FC read by nothing else
// (ir::fold_target) is merged into that layer:
//   s = gamma / sqrt(var + eps);  kernel'[co, ...] = kernel[co, ...] * s[co];
//   bias'[co] = (bias[co] - mean[co]) * s[co] + beta[co]
// and the BatchNorm node becomes an alias of the layer's output.
//
//   runtime::InferenceParams p = runtime::inference_params(graph, weights, /*fold=*/true);
//   p.nodes[bn].alias_of;   // the conv it was folded into, or -1
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::runtime {

struct NodeParams {
  std::vector<float> kernel;        // conv/depthwise/FC, layout as in weights.h
  std::vector<float> bias;          // per output channel; empty when the layer has none
  std::vector<float> scale, shift;  // standalone batch_norm, per channel
  int alias_of = -1;                // folded batch_norm: the node whose output it shares
};

struct InferenceParams {
  std::vector<NodeParams> nodes;  // one per graph node
  int folded = 0;                 // how many batch_norm nodes were folded
};

// Checks `w` against `g` (check_weights) first.
InferenceParams inference_params(const ir::Graph& g, const Weights& w, bool fold);

}  // namespace hwnas::runtime
