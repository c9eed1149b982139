#include "hwnas/runtime/reference_backend.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/runtime/fold.h"
#include "hwnas/runtime/reference_kernels.h"

namespace hwnas::runtime {
namespace {

class ReferenceModel : public PreparedModel {
 public:
  ReferenceModel(const ir::Graph& g, const Weights& w, bool fold)
      : PreparedModel(g), g_(g), params_(inference_params(g, w, fold)), values_(g.size()), ptr_(g.size()) {
    const auto in_ids = g.inputs();
    for (size_t i = 0; i < in_ids.size(); ++i) ptr_[in_ids[i]] = inputs_[i].data.data();
    for (int id = 0; id < g.size(); ++id) {
      if (g.node(id).op == ir::OpKind::Input) continue;
      if (params_.nodes[id].alias_of >= 0) {
        ptr_[id] = ptr_[params_.nodes[id].alias_of];
        continue;
      }
      values_[id].resize(static_cast<size_t>(g.node(id).shape.numel()));
      ptr_[id] = values_[id].data();
    }
  }

  void invoke() override {
    std::vector<const float*> in;
    for (int id = 0; id < g_.size(); ++id) {
      if (values_[id].empty()) continue;  // graph input or folded batch_norm
      in.clear();
      for (int x : g_.node(id).inputs) in.push_back(ptr_[x]);
      reference_node(g_, id, params_.nodes[id], in, ptr_[id]);
    }
    for (size_t i = 0; i < outputs_.size(); ++i)
      std::copy_n(ptr_[g_.outputs()[i]], outputs_[i].data.size(), outputs_[i].data.begin());
  }

  std::string summary() const override {
    return fmt::format("reference: {} nodes on plain C++ kernels, {} batch_norm folded", g_.size(), params_.folded);
  }

 private:
  ir::Graph g_;
  InferenceParams params_;
  std::vector<std::vector<float>> values_;  // one buffer per computed node
  std::vector<float*> ptr_;                 // where each node's output lives
};

}  // namespace

std::unique_ptr<PreparedModel> ReferenceBackend::prepare(const ir::Graph& g, const Weights& w,
                                                         const BackendOptions& options) const {
  if (options.dtype != ir::DType::f32)
    fail("reference backend", "runs f32 only, not {}; use --backend xnnpack for int8", ir::dtype_name(options.dtype));
  return std::make_unique<ReferenceModel>(g, w, options.fold_batchnorm);
}

}  // namespace hwnas::runtime
