#include "hwnas/plan/lifetimes.h"

#include <algorithm>
#include <numeric>

#include "hwnas/core/error.h"

namespace hwnas::plan {

TensorGraph tensor_graph(const ir::Graph& g, ir::DType dtype, const InPlaceRules& rules) {
  const int n = g.size();
  const auto consumers = g.consumers();
  TensorGraph tg;
  tg.nodes.resize(n);
  tg.readers.resize(n);
  tg.is_output.assign(n, 0);
  tg.alias_of.resize(n);
  for (int id = 0; id < n; ++id) {
    const ir::Node& node = g.node(id);
    TensorNode& t = tg.nodes[id];
    t.bytes = node.shape.numel() * ir::dtype_bytes(dtype);
    if (is_alias(g, consumers, id, rules)) {  // nodes come after their inputs: the source is resolved
      t.alias = true;
      t.root = tg.nodes[node.inputs[0]].root;
      t.bytes = tg.nodes[t.root].bytes;
      tg.alias_of[node.inputs[0]].push_back(id);
      continue;
    }
    t.root = id;
    t.in_place = may_run_in_place(g, id, rules);
    for (int in : node.inputs) {
      const int r = tg.nodes[in].root;
      if (std::find(t.reads.begin(), t.reads.end(), r) == t.reads.end()) {
        t.reads.push_back(r);
        tg.readers[r].push_back(id);
      }
    }
  }
  for (int out : g.outputs()) tg.is_output[tg.nodes[out].root] = 1;
  return tg;
}

std::vector<int> graph_order(const ir::Graph& g) {
  std::vector<int> order(g.size());
  std::iota(order.begin(), order.end(), 0);
  return order;
}

Lifetimes tensor_lifetimes(const ir::Graph& g, const TensorGraph& tg, std::span<const int> order) {
  const int n = g.size();
  if (static_cast<int>(order.size()) != n)
    fail("execution order", "has {} steps, the graph '{}' has {} nodes; give each node once", order.size(), g.name(),
         n);
  Lifetimes lt;
  lt.order.assign(order.begin(), order.end());
  lt.buffer_of.assign(n, -1);
  std::vector<int> remaining(n);  // readers of each root not yet run
  for (int r = 0; r < n; ++r) remaining[r] = static_cast<int>(tg.readers[r].size());
  std::vector<char> done(n, 0);
  for (int step = 0; step < n; ++step) {
    const int v = order[step];
    if (v < 0 || v >= n || done[v])
      fail("execution order: step " + std::to_string(step), "node id {} is out of range or repeated", v);
    for (int in : g.node(v).inputs)
      if (!done[in]) fail("execution order: " + g.describe(v), "runs before its input {}", g.describe(in));
    done[v] = 1;
    const TensorNode& t = tg.nodes[v];
    if (t.alias) {
      const int b = lt.buffer_of[t.root];
      lt.buffer_of[v] = b;
      lt.buffers[b].nodes.push_back(v);
      continue;
    }
    int reuse = -1;  // a dying input buffer of the same size
    for (int r : t.reads) {
      Buffer& in = lt.buffers[lt.buffer_of[r]];
      in.last = std::max(in.last, step);
      const bool dies = --remaining[r] == 0 && !tg.is_output[r];
      if (t.in_place && reuse < 0 && dies && tg.nodes[r].bytes == t.bytes) reuse = lt.buffer_of[r];
    }
    if (reuse < 0) {
      reuse = static_cast<int>(lt.buffers.size());
      lt.buffers.push_back({.bytes = t.bytes, .first = step, .last = step, .nodes = {}});
    }
    lt.buffer_of[v] = reuse;
    lt.buffers[reuse].nodes.push_back(v);
  }
  for (int r = 0; r < n; ++r)
    if (tg.is_output[r]) lt.buffers[lt.buffer_of[r]].last = n - 1;
  return lt;
}

std::vector<int64_t> live_bytes_per_step(const Lifetimes& lt) {
  // Difference array over steps: +bytes at first, -bytes after last.
  const size_t n = lt.order.size();
  std::vector<int64_t> delta(n + 1, 0);
  for (const Buffer& b : lt.buffers) {
    delta[b.first] += b.bytes;
    delta[b.last + 1] -= b.bytes;
  }
  std::vector<int64_t> live(n);
  int64_t sum = 0;
  for (size_t s = 0; s < n; ++s) live[s] = sum += delta[s];
  return live;
}

int64_t peak_live_bytes(const Lifetimes& lt) {
  const auto live = live_bytes_per_step(lt);
  return live.empty() ? 0 : *std::max_element(live.begin(), live.end());
}

}  // namespace hwnas::plan
