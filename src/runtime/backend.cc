#include "hwnas/runtime/backend.h"

#include <algorithm>
#include <utility>

#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/runtime/reference_backend.h"
#include "hwnas/runtime/xnnpack_backend.h"

namespace hwnas::runtime {

PreparedModel::PreparedModel(const ir::Graph& g) {
  for (int id : g.inputs()) inputs_.emplace_back(g.node(id).shape);
  for (int id : g.outputs()) outputs_.emplace_back(g.node(id).shape);
  if (outputs_.empty()) fail("graph '" + g.name() + "'", "has no outputs; call set_outputs() before running it");
}

namespace {

// Built-ins first, then registered backends in registration order. A function-local static,
// so that registering from another file's static initializer is safe.
std::vector<std::pair<std::string, BackendFactory>>& factories() {
  static std::vector<std::pair<std::string, BackendFactory>> f = {
      {"reference", []() -> std::unique_ptr<Backend> { return std::make_unique<ReferenceBackend>(); }},
      {"xnnpack", []() -> std::unique_ptr<Backend> { return std::make_unique<XnnpackBackend>(); }},
  };
  return f;
}

}  // namespace

void register_backend(const std::string& name, BackendFactory factory) {
  auto& f = factories();
  auto it = std::ranges::find(f, name, &std::pair<std::string, BackendFactory>::first);
  if (it != f.end()) it->second = factory;
  else f.emplace_back(name, factory);
}

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories()) names.push_back(name);
  return names;
}

std::unique_ptr<Backend> make_backend(std::string_view name) {
  for (const auto& [known, factory] : factories())
    if (known == name) return factory();
  fail("backend '" + std::string(name) + "'", "unknown backend; known: {}", fmt::join(backend_names(), ", "));
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
