#include "hwnas/runtime/backend.h"

#include <algorithm>

#include "hwnas/core/error.h"
#include "hwnas/runtime/reference_backend.h"
#include "hwnas/runtime/xnnpack_backend.h"

namespace hwnas::runtime {

PreparedModel::PreparedModel(const ir::Graph& g) {
  for (int id : g.inputs()) inputs_.emplace_back(g.node(id).shape);
  for (int id : g.outputs()) outputs_.emplace_back(g.node(id).shape);
  if (outputs_.empty()) fail("graph '" + g.name() + "'", "has no outputs; call set_outputs() before running it");
}

std::vector<std::string> backend_names() { return {"reference", "xnnpack"}; }

std::unique_ptr<Backend> make_backend(std::string_view name) {
  if (name == "reference") return std::make_unique<ReferenceBackend>();
  if (name == "xnnpack") return std::make_unique<XnnpackBackend>();
  fail("backend '" + std::string(name) + "'", "unknown backend; known: reference, xnnpack");
}

std::vector<Tensor> run(PreparedModel& model, const std::vector<Tensor>& inputs) {
  if (static_cast<int>(inputs.size()) != model.num_inputs())
    fail("run", "the model takes {} input(s), got {}", model.num_inputs(), inputs.size());
  for (int i = 0; i < model.num_inputs(); ++i) {
    if (!(inputs[i].shape == model.input_shape(i)))
      fail(fmt::format("input {}", i), "has shape {}, the model expects {}", inputs[i].shape.str(),
           model.input_shape(i).str());
    std::copy(inputs[i].data.begin(), inputs[i].data.end(), model.input(i).begin());
  }
  model.invoke();
  std::vector<Tensor> out;
  for (int i = 0; i < model.num_outputs(); ++i) {
    auto o = model.output(i);
    out.emplace_back(model.output_shape(i), std::vector<float>(o.begin(), o.end()));
  }
  return out;
}

}  // namespace hwnas::runtime
