#pragma once
// ir::Graph: a network as a list of nodes in topological order (a node's inputs always come
// before it), one output tensor per node, NHWC shapes inferred as nodes are added. A Graph
// that exists is shape-correct: add() throws a hwnas::Error that names the node otherwise.
//
//   ir::Graph g("tiny");
//   ir::Attrs in; in.shape = {1, 32, 32, 3};
//   int x = g.add(ir::OpKind::Input, {}, in, "input");
//   ir::Attrs conv; conv.out_channels = 16; conv.kernel_h = conv.kernel_w = 3;
//   conv.padding = ir::Padding::Same;
//   int y = g.add(ir::OpKind::Conv2D, {x}, conv, "conv");
//   g.set_outputs({y});
//
// Models are usually written with ir::GraphBuilder (builder.h), which names and wires nodes.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hwnas/ir/op.h"
#include "hwnas/ir/shape.h"

namespace hwnas::ir {

struct Node {
  std::string name;  // unique in the graph, e.g. "stage3.block1.dw"
  OpKind op = OpKind::Input;
  std::vector<int> inputs;  // ids of earlier nodes
  Attrs attrs;              // canonical: fields the op does not use are at their defaults
  Shape shape;              // inferred output shape
  DType dtype = DType::f32;

  bool operator==(const Node&) const = default;
};

class Graph {
 public:
  explicit Graph(std::string name = "") : name_(std::move(name)) {}

  // Adds a node and infers its shape. An empty name becomes "<op>_<id>". Returns its id.
  int add(OpKind op, std::vector<int> inputs, const Attrs& attrs = {}, std::string name = "", DType dtype = DType::f32);
  void set_outputs(std::vector<int> outputs);

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  int size() const { return static_cast<int>(nodes_.size()); }
  const Node& node(int id) const { return nodes_.at(id); }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<int>& outputs() const { return outputs_; }
  std::vector<int> inputs() const;  // ids of Input nodes
  std::optional<int> find(std::string_view name) const;
  std::vector<std::vector<int>> consumers() const;  // per node, the ids that read it
  // Per node, whether some output depends on it (a Zero node reads only its input's shape).
  // A runtime skips the rest, as a converter's dead-code elimination does: an NB201 edge into
  // a cell node that only 'none' edges leave costs nothing once compiled.
  std::vector<bool> live() const;
  // "node 'x' (conv2d)", for error messages.
  std::string describe(int id) const;

  bool operator==(const Graph& o) const { return name_ == o.name_ && nodes_ == o.nodes_ && outputs_ == o.outputs_; }

 private:
  std::string name_;
  std::vector<Node> nodes_;
  std::vector<int> outputs_;
  struct NameHash {  // lets find() look up a string_view without building a std::string
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, int, NameHash, std::equal_to<>> by_name_;
};

}  // namespace hwnas::ir
