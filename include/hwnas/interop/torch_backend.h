#pragma once
// The "torch" backend: the graph executed op by op with libtorch's ATen kernels (libtorch-dev
// 1.13, CPU), NCHW as PyTorch runs it, on the same inference weights as every other backend
// (BatchNorm folded; interop/nchw.h maps kernels, axes and FC columns). It is PyTorch eager
// mode without Python: what a PyTorch user's model costs on this host.
//
//   auto model = runtime::make_backend("torch")->prepare(g, w, {.threads = 2});
//   model->invoke();   // NHWC in and out, like every backend
//
// Operators map to at::conv2d (asymmetric padding as an explicit constant_pad_nd),
// at::linear, max/avg_pool2d, hardswish, hardsigmoid, silu, cat, softmax, upsample_bilinear2d
// and index_select (nearest resize with hwnas' exact source indices). Autograd is off
// (NoGradGuard) and the intra-op thread count, process-wide in libtorch, is set by invoke().
// fp32 only.
#include "hwnas/runtime/backend.h"

namespace hwnas::interop {

class TorchBackend : public runtime::Backend {
 public:
  std::string name() const override { return "torch"; }
  std::unique_ptr<runtime::PreparedModel> prepare(const ir::Graph& g, const runtime::Weights& w,
                                                  const runtime::BackendOptions& options = {}) const override;
};

}  // namespace hwnas::interop
