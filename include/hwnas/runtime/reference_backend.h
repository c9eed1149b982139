#pragma once
// The reference backend: every node on reference_kernels.h, one buffer per tensor, serial.
// With fold_batchnorm = false it keeps each BatchNorm as its own scale-and-shift, so that
// comparing it with a backend that folds checks the folding too.
//
//   runtime::ReferenceBackend ref;
//   auto model = ref.prepare(graph, weights, {.fold_batchnorm = false});
#include "hwnas/runtime/backend.h"

namespace hwnas::runtime {

class ReferenceBackend : public Backend {
 public:
  std::string name() const override { return "reference"; }
  std::unique_ptr<PreparedModel> prepare(const ir::Graph& g, const Weights& w,
                                         const BackendOptions& options = {}) const override;
};

}  // namespace hwnas::runtime
