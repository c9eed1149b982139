#pragma once
// ir::ModelSummary: what `hwnas model info` shows about a graph, computed from the graph alone
// (ir::compute_stats): the layers with their output shapes, MACs and params; totals; weight
// bytes of the deployable form in f32 and int8; the largest activation tensor. The CLI and
// reports format it; summary_json() is its machine-readable form (loads with pandas:
// pd.json_normalize(j["layers"])).
//
//   ir::ModelSummary s = ir::summarize(graph);          // layers with MACs or params only
//   for (const ir::LayerSummary& l : s.layers) fmt::print("{} {}\n", l.name, l.macs);
//   nlohmann::json j = ir::summary_json(s);             // {"name", "params", "macs", ...}
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/ir/graph.h"

namespace hwnas::ir {

struct LayerSummary {
  int node = 0;  // id in the graph
  std::string name;
  OpKind op = OpKind::Input;
  Shape shape;  // output shape
  int64_t macs = 0;
  int64_t params = 0;
};

struct TensorSummary {
  std::string name;
  Shape shape;
  DType dtype = DType::f32;
};

struct ModelSummary {
  std::string name;
  std::vector<TensorSummary> inputs;
  std::vector<TensorSummary> outputs;
  std::vector<LayerSummary> layers;
  int64_t macs = 0;
  int64_t params = 0;
  int64_t weight_bytes_f32 = 0;
  int64_t weight_bytes_int8 = 0;
  TensorSummary largest_activation;  // the largest single tensor (by elements)
  int64_t largest_activation_elems = 0;
};

// `all_layers`: list every node; otherwise only those with MACs or params.
ModelSummary summarize(const Graph& g, bool all_layers = false);

// {"name", "source", "input": [{"name","shape","dtype"}], "outputs": [...], "params", "macs",
//  "weight_bytes": {"f32","int8"}, "largest_activation": {"name","shape","elems","bytes":{"f32","int8"}},
//  "layers": [{"name","op","shape","macs","params"}]}
nlohmann::json summary_json(const ModelSummary& s);

}  // namespace hwnas::ir
