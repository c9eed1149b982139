#pragma once
// plan::InPlaceRules: which outputs need no buffer of their own (aliases) and which may take
// over a dying input's buffer (in place) -- the structural, order-independent half of an arena
// plan (tensor_lifetimes() decides the rest: whether the input dies there).
//
// The rules of both runtimes the memory estimate predicts live here, in one place:
//  - InPlaceRules::tflm(): TFLite Micro's element-wise kernels may run in place.
//  - InPlaceRules::hwnas_codegen(): the generated C's own plan (codegen::plan_arena uses this
//    very function): its depthwise and pointwise kernels run in place, and a relu/relu6 that
//    quant fuses into its layer (ir::fusable_activation) is that layer's output.
//
//   plan::TensorGraph tg = plan::tensor_graph(g, ir::DType::i8, plan::InPlaceRules::hwnas_codegen());
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::plan {

struct InPlaceRules {
  // Activations, an unfolded batch_norm, add, mul: TFLM's kernels can write over their input.
  bool elementwise = true;
  // A depthwise conv whose output has its input's shape (multiplier 1, stride 1, 'same'): the
  // generated kernel copies each input channel into its scratch buffer before overwriting it
  // (TinyEngine does the same; TFLM does not).
  bool depthwise = false;
  // A pointwise conv (1x1, stride 1, unpadded, ungrouped) with as many output as input channels:
  // the generated kernel widens each pair of pixels into its scratch buffer first.
  bool pointwise = false;
  // A relu/relu6 fused into its layer's clamp (ir::fusable_activation, as quant fuses it) is an
  // alias of the layer's output: no buffer, no work.
  bool fuse_activations = false;

  static InPlaceRules tflm() { return {}; }
  static InPlaceRules hwnas_codegen() {
    return {.elementwise = true, .depthwise = true, .pointwise = true, .fuse_activations = true};
  }
};

// Node `id` reads through to its first input's buffer: reshape and flatten (a view), a
// batch_norm folded into its layer (ir::fold_target), and with fuse_activations a fused relu.
bool is_alias(const ir::Graph& g, const std::vector<std::vector<int>>& consumers, int id, const InPlaceRules& rules);

// Node `id` (not an alias) may write its output over an input's buffer of as many bytes when
// it is that input's last reader (tensor_lifetimes checks the bytes and the order).
bool may_run_in_place(const ir::Graph& g, int id, const InPlaceRules& rules);

// The same-shape depthwise and pointwise convs of InPlaceRules::depthwise / ::pointwise.
bool same_shape_depthwise(const ir::Graph& g, int id);
bool same_shape_pointwise(const ir::Graph& g, int id);

}  // namespace hwnas::plan
