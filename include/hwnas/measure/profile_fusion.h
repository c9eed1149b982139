#pragma once
// Which adjacent operators a backend runs as one kernel, as ir::FusionRules for
// ir::split_kernels(), with a one-line statement of the rule and where it comes from (the
// profile prints it, so a reader knows what a "kernel" row is).
//
//   measure::BackendFusion f = measure::backend_fusion("xnnpack");
//   auto kernels = ir::split_kernels(graph, f.rules);
//   f.description;   // "BatchNorm folded; relu/relu6 fused as the output clamp of ..."
//
// xnnpack: BatchNorm is folded into the conv/depthwise/FC before it (the backend does it at
// prepare(), runtime/fold.h), and relu/relu6 (XNNPACK clamp nodes) join the node before them
// when that node is one XNNPACK gives an output clamp: xnn_subgraph_optimize() in the
// snapshot's src/subgraph.c fuses a clamp into an add2, average/max pooling, clamp,
// convolution, depthwise convolution, fully connected or multiply2 producer whose value has
// exactly one consumer and is not an external output (the same conditions split_kernels
// checks). An unfolded batch_norm runs as multiply + add2, so a clamp fuses into it too.
// Other backends: BatchNorm folding only, each other operator its own kernel. Helper code that
// detects fusions by measurement may pass its own rules to profile_model() instead.
#include <string>
#include <string_view>

#include "hwnas/ir/kernels.h"

namespace hwnas::measure {

struct BackendFusion {
  ir::FusionRules rules;
  std::string description;
};

BackendFusion backend_fusion(std::string_view backend);

}  // namespace hwnas::measure
