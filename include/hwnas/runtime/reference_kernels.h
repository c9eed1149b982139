#pragma once
// Plain, obviously-correct fp32 kernels for every IR operator: the oracle that other backends
// are checked against, and the fallback that runs an operator a backend lacks. Loops follow
// the textbook definitions; the only concession to speed is the loop order (NHWC, channels
// innermost), so that efficientnet-b0 at 224x224 still runs in about a second.
//
// Semantics where frameworks differ (each stated once, here):
//   conv/pool padding   ir::resolve_pads (TensorFlow SAME: the odd pixel goes bottom/right)
//   avg_pool            count_include_pad=false divides by the in-image pixels of the window,
//                       true by kh*kw (PyTorch's two modes)
//   max_pool            padded pixels never win (as if padded with -inf)
//   resize bilinear     align_corners=true: src = dst*(in-1)/(out-1); false: half-pixel,
//                       src = (dst+0.5)*in/out - 0.5 clamped at 0 (PyTorch, TF2, ONNX)
//   resize nearest      align_corners=false: src = floor(dst*in/out) (PyTorch 'nearest',
//                       ONNX asymmetric+floor); true: src = round(dst*(in-1)/(out-1)) (TF)
//   hard_sigmoid        relu6(x+3)/6;  hard_swish x*relu6(x+3)/6;  swish x*sigmoid(x)
//
//   std::vector<const float*> in = {x.data.data()};
//   runtime::reference_node(graph, conv_id, params.nodes[conv_id], in, y.data.data());
#include <span>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/fold.h"

namespace hwnas::runtime {

// Computes node `id` of `g` into `out` (g.node(id).shape.numel() floats) from its inputs'
// data (in the order of node.inputs, each shaped as that input node). Input nodes and
// batch_norm aliases (p.alias_of >= 0) have nothing to compute: Error if asked.
void reference_node(const ir::Graph& g, int id, const NodeParams& p, std::span<const float* const> inputs, float* out);

}  // namespace hwnas::runtime
