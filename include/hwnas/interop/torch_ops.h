#pragma once
// The element-wise activations of the IR as libtorch ops, shared by the libtorch backend
// (torch_backend.cc) and the trainable GraphModule (train/graph_module.cc), so both compute
// each activation as reference_kernels.h defines it. Has torch in it: only the plugin's
// sources include it.
//
//   if (auto y = interop::torch_activation(node.op, x); y.defined()) return y;
#include <torch/torch.h>

#include "hwnas/ir/graph.h"

namespace hwnas::interop {

// relu, relu6, hard_swish, hard_sigmoid, sigmoid, swish applied to `x`; an undefined tensor for
// any other op.
inline torch::Tensor torch_activation(ir::OpKind op, const torch::Tensor& x) {
  switch (op) {
    case ir::OpKind::Relu:
      return torch::relu(x);
    case ir::OpKind::Relu6:
      return torch::hardtanh(x, 0.0, 6.0);
    case ir::OpKind::HardSwish:
      return torch::hardswish(x);
    case ir::OpKind::HardSigmoid:
      return torch::hardsigmoid(x);
    case ir::OpKind::Sigmoid:
      return torch::sigmoid(x);
    case ir::OpKind::Swish:
      return torch::silu(x);
    default:
      return {};
  }
}

}  // namespace hwnas::interop
