#include "hwnas/ir/graph.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/shape_inference.h"

namespace hwnas::ir {

int Graph::add(OpKind op, std::vector<int> inputs, const Attrs& attrs, std::string name, DType dtype) {
  const int id = size();
  if (name.empty()) name = fmt::format("{}_{}", op_name(op), id);
  // The error location is formatted only on the error path: graphs are built by the million.
  const auto where = [&] { return fmt::format("node '{}' ({})", name, op_name(op)); };
  if (auto it = by_name_.find(name); it != by_name_.end())
    fail(where(), "the name is already used by node {}", it->second);

  Shape in_shapes[16];  // no allocation for the usual 1-3 inputs
  std::vector<Shape> many;
  Shape* shapes = in_shapes;
  if (inputs.size() > std::size(in_shapes)) {
    many.resize(inputs.size());
    shapes = many.data();
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] < 0 || inputs[i] >= id)
      fail(where(), "input {} refers to node {}, which does not come before it", i, inputs[i]);
    shapes[i] = nodes_[inputs[i]].shape;
  }
  Node node;
  node.attrs = canonical_attrs(op, attrs);
  try {
    node.shape = infer_shape(op, node.attrs, std::span<const Shape>(shapes, inputs.size()), "");
  } catch (const Error& e) {
    throw Error(where(), e.message());
  }
  node.name = std::move(name);
  node.op = op;
  node.inputs = std::move(inputs);
  node.dtype = dtype;
  by_name_.emplace(node.name, id);
  nodes_.push_back(std::move(node));
  return id;
}

void Graph::set_outputs(std::vector<int> outputs) {
  for (int o : outputs)
    if (o < 0 || o >= size()) fail(fmt::format("graph '{}'", name_), "output {} is not a node", o);
  outputs_ = std::move(outputs);
}

std::vector<int> Graph::inputs() const {
  std::vector<int> ids;
  for (int i = 0; i < size(); ++i)
    if (nodes_[i].op == OpKind::Input) ids.push_back(i);
  return ids;
}

std::optional<int> Graph::find(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::vector<bool> Graph::live() const {
  std::vector<bool> out(nodes_.size(), false);
  for (int o : outputs_) out[o] = true;
  for (int id = size() - 1; id >= 0; --id)
    if (out[id] && nodes_[id].op != OpKind::Zero)
      for (int x : nodes_[id].inputs) out[x] = true;
  return out;
}

std::vector<std::vector<int>> Graph::consumers() const {
  std::vector<std::vector<int>> c(nodes_.size());
  for (int i = 0; i < size(); ++i)
    for (int in : nodes_[i].inputs) c[in].push_back(i);
  return c;
}

std::string Graph::describe(int id) const {
  return fmt::format("node '{}' ({})", nodes_.at(id).name, op_name(nodes_.at(id).op));
}

}  // namespace hwnas::ir
