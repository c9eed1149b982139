#include "hwnas/ir/rewrite.h"

#include <vector>

#include "hwnas/core/error.h"

namespace hwnas::ir {
namespace {

// The node a reader of `id` reads after the bypasses: follows chains of bypassed nodes.
int resolve(const Graph& g, const std::map<int, NodeEdit>& edits, int id) {
  for (int hops = 0; hops <= g.size(); ++hops) {
    const auto e = edits.find(id);
    if (e == edits.end() || !e->second.bypass) return id;
    const std::vector<int>& in = g.node(id).inputs;
    const int which = *e->second.bypass;
    if (which < 0 || which >= static_cast<int>(in.size()))
      fail(g.describe(id), "cannot be bypassed to its input {}: it has {} inputs", which, in.size());
    id = in[which];
  }
  fail(g.name(), "the bypasses form a cycle");
}

}  // namespace

Graph rewrite(const Graph& g, const std::map<int, NodeEdit>& edits) {
  for (const auto& [id, e] : edits)
    if (id < 0 || id >= g.size()) fail(g.name(), "no node {} to rewrite (the graph has {})", id, g.size());

  // Which nodes the outputs still need once bypassed nodes are skipped (inputs are always kept:
  // the graph keeps its interface; a zero node keeps its input for the shape).
  std::vector<int> target(g.size());
  for (int i = 0; i < g.size(); ++i) target[i] = resolve(g, edits, i);
  std::vector<bool> needed(g.size(), false);
  for (int o : g.outputs()) needed[target[o]] = true;
  for (int id = g.size() - 1; id >= 0; --id)
    if (needed[id])
      for (int in : g.node(id).inputs) needed[target[in]] = true;

  Graph out(g.name());
  std::vector<int> new_id(g.size(), -1);
  for (int id = 0; id < g.size(); ++id) {
    const Node& n = g.node(id);
    if (target[id] != id || (!needed[id] && n.op != OpKind::Input)) continue;
    OpKind op = n.op;
    Attrs attrs = n.attrs;
    if (const auto e = edits.find(id); e != edits.end()) {
      if (e->second.op) op = *e->second.op;
      if (e->second.attrs) attrs = *e->second.attrs;
    }
    std::vector<int> inputs;
    for (int in : n.inputs) inputs.push_back(new_id[target[in]]);
    new_id[id] = out.add(op, std::move(inputs), attrs, n.name, n.dtype);
  }
  std::vector<int> outputs;
  for (int o : g.outputs()) outputs.push_back(new_id[target[o]]);
  out.set_outputs(std::move(outputs));
  return out;
}

}  // namespace hwnas::ir
