#include "hwnas/ir/summary.h"

#include "hwnas/ir/stats.h"

namespace hwnas::ir {
namespace {

using nlohmann::json;

TensorSummary tensor(const Node& n) { return {n.name, n.shape, n.dtype}; }

json shape_json(const Shape& s) {
  json a = json::array();
  for (int i = 0; i < s.rank(); ++i) a.push_back(s[i]);
  return a;
}

json tensor_json(const TensorSummary& t) {
  return json{{"name", t.name}, {"shape", shape_json(t.shape)}, {"dtype", dtype_name(t.dtype)}};
}

}  // namespace

ModelSummary summarize(const Graph& g, bool all_layers) {
  const Stats stats = compute_stats(g);
  ModelSummary s;
  s.name = g.name();
  for (int id : g.inputs()) s.inputs.push_back(tensor(g.node(id)));
  for (int id : g.outputs()) s.outputs.push_back(tensor(g.node(id)));
  for (int id = 0; id < g.size(); ++id) {
    const Node& n = g.node(id);
    const NodeStats& ns = stats.nodes[id];
    if (all_layers || ns.macs > 0 || ns.params > 0) s.layers.push_back({id, n.name, n.op, n.shape, ns.macs, ns.params});
    // The first of equally large tensors, so that the answer does not depend on ties.
    if (ns.activation_elems > s.largest_activation_elems) {
      s.largest_activation_elems = ns.activation_elems;
      s.largest_activation = tensor(n);
    }
  }
  s.macs = stats.macs;
  s.params = stats.params;
  s.weight_bytes_f32 = stats.weight_bytes(DType::f32);
  s.weight_bytes_int8 = stats.weight_bytes(DType::i8);
  return s;
}

json summary_json(const ModelSummary& s) {
  json inputs = json::array(), outputs = json::array(), layers = json::array();
  for (const auto& t : s.inputs) inputs.push_back(tensor_json(t));
  for (const auto& t : s.outputs) outputs.push_back(tensor_json(t));
  for (const auto& l : s.layers)
    layers.push_back(json{{"name", l.name},
                          {"op", op_name(l.op)},
                          {"shape", shape_json(l.shape)},
                          {"macs", l.macs},
                          {"params", l.params}});
  json largest = tensor_json(s.largest_activation);
  largest["elems"] = s.largest_activation_elems;
  largest["bytes"] = json{{"f32", s.largest_activation_elems * dtype_bytes(DType::f32)},
                          {"int8", s.largest_activation_elems * dtype_bytes(DType::i8)}};
  return json{{"name", s.name},
              {"source", "computed from the graph (not measured)"},
              {"input", inputs},
              {"outputs", outputs},
              {"params", s.params},
              {"macs", s.macs},
              {"weight_bytes", {{"f32", s.weight_bytes_f32}, {"int8", s.weight_bytes_int8}}},
              {"largest_activation", largest},
              {"layers", layers}};
}

}  // namespace hwnas::ir
