#include "hwnas/ir/kernels.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"

namespace hwnas::ir {

FusionRules FusionRules::batchnorm_only() { return {}; }

namespace {

// The kernel node `consumer` joins, or -1 for a kernel of its own. A node joins the kernel
// whose last node (its "tail") it reads when that tail has no other reader and is not a
// graph output (otherwise the unfused tensor must still be written out), and the rules fuse
// the kernel's anchor kind with the consumer's kind. The anchor, not the tail, is the
// producer: after a folded batch_norm, conv+batch_norm is still a conv to the backend, and
// XNNPACK puts the relu's clamp into that conv.
int joined_kernel(const Graph& g, const FusionRules& rules, const std::vector<std::vector<int>>& consumers,
                  const std::vector<bool>& is_output, const std::vector<int>& kernel_of,
                  const std::vector<Kernel>& kernels, int id) {
  const Node& n = g.node(id);
  if (n.op == OpKind::BatchNorm) {
    const int target = fold_target(g, consumers, id);
    if (target >= 0) return kernel_of[target];
  }
  for (int in : n.inputs) {
    const int k = kernel_of[in];
    if (k < 0 || kernels[k].nodes.back() != in) continue;
    if (consumers[in].size() != 1 || is_output[in]) continue;
    if (rules.fuses(g.node(kernels[k].nodes.front()).op, n.op)) return k;
  }
  return -1;
}

}  // namespace

std::vector<Kernel> split_kernels(const Graph& g, const FusionRules& rules) {
  const auto consumers = g.consumers();
  std::vector<bool> is_output(g.size(), false);
  for (int o : g.outputs()) is_output[o] = true;
  std::vector<int> kernel_of(g.size(), -1);
  std::vector<Kernel> kernels;
  for (int id = 0; id < g.size(); ++id) {
    const Node& n = g.node(id);
    if (n.op == OpKind::Input) continue;
    int k = joined_kernel(g, rules, consumers, is_output, kernel_of, kernels, id);
    if (k < 0) {
      k = static_cast<int>(kernels.size());
      kernels.push_back({.nodes = {}, .name = n.name, .type = ""});
    }
    Kernel& kernel = kernels[k];
    kernel.nodes.push_back(id);
    kernel.type += (kernel.type.empty() ? "" : "+") + std::string(op_name(n.op));
    kernel_of[id] = k;
  }
  return kernels;
}

Graph extract(const Graph& g, const std::vector<int>& nodes) {
  const std::string where = fmt::format("extract from graph '{}'", g.name());
  if (nodes.empty()) fail(where, "no nodes given; pass the ids of at least one node");
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i] < 0 || nodes[i] >= g.size())
      fail(where, "node id {} is not in the graph (it has {} nodes)", nodes[i], g.size());
    if (i > 0 && nodes[i] <= nodes[i - 1])
      fail(where, "node ids must be distinct and in graph order; {} comes after {}", nodes[i], nodes[i - 1]);
  }
  const auto inside = [&](int id) { return std::binary_search(nodes.begin(), nodes.end(), id); };

  Graph out(fmt::format("{}[{}]", g.name(), g.node(nodes.front()).name));
  std::map<int, int> new_id;  // id in g -> id in out
  // Every tensor read from outside becomes an Input first, named like the node that made it
  // (names are unique in g, so they cannot clash with the nodes kept).
  for (int id : nodes)
    for (int in : g.node(id).inputs) {
      if (inside(in) || new_id.contains(in)) continue;
      const Node& src = g.node(in);
      Attrs a;
      a.shape = src.shape;
      new_id[in] = out.add(OpKind::Input, {}, a, src.name, src.dtype);
    }
  for (int id : nodes) {
    const Node& n = g.node(id);
    std::vector<int> inputs;
    for (int in : n.inputs) inputs.push_back(new_id.at(in));
    new_id[id] = out.add(n.op, std::move(inputs), n.attrs, n.name, n.dtype);
  }

  std::vector<bool> read_outside(g.size(), false);
  for (int id = 0; id < g.size(); ++id)
    if (!inside(id))
      for (int in : g.node(id).inputs) read_outside[in] = true;
  for (int o : g.outputs()) read_outside[o] = true;
  std::vector<int> outputs;
  for (int id : nodes)
    if (read_outside[id] || id == nodes.back()) outputs.push_back(new_id.at(id));
  out.set_outputs(std::move(outputs));
  return out;
}

}  // namespace hwnas::ir
