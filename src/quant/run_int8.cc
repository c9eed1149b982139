#include "hwnas/quant/run_int8.h"

#include <algorithm>

#include "hwnas/core/error.h"

namespace hwnas::quant {

std::vector<std::vector<int8_t>> run_int8(const QuantizedModel& m, const std::vector<std::vector<int8_t>>& inputs) {
  const ir::Graph& g = m.graph;
  const auto in_ids = g.inputs();
  if (inputs.size() != in_ids.size())
    fail(g.name(), "the int8 model takes {} input(s), got {}", in_ids.size(), inputs.size());
  const auto live = g.live();
  std::vector<std::vector<int8_t>> values(g.size());
  std::vector<const int8_t*> in;
  for (int id = 0; id < g.size(); ++id) {
    const ir::Node& n = g.node(id);
    if (m.nodes[id].alias_of >= 0 || !live[id]) continue;
    if (n.op == ir::OpKind::Input) {
      const auto& x = inputs[std::find(in_ids.begin(), in_ids.end(), id) - in_ids.begin()];
      if (static_cast<int64_t>(x.size()) != n.shape.numel())
        fail(g.describe(id), "int8 input has {} values, the shape {} needs {}", x.size(), n.shape.str(),
             n.shape.numel());
      values[id] = x;
      continue;
    }
    values[id].resize(static_cast<size_t>(n.shape.numel()));
    in.clear();
    for (int x : n.inputs) in.push_back(values[m.storage(x)].data());
    int8_node(m, id, in, values[id].data());
  }
  for (int id = 0; id < g.size(); ++id)
    if (m.nodes[id].alias_of >= 0 && live[id]) values[id] = values[m.storage(id)];
  return values;
}

std::vector<std::vector<int8_t>> quantize_inputs(const QuantizedModel& m, const std::vector<runtime::Tensor>& inputs) {
  const auto in_ids = m.graph.inputs();
  if (inputs.size() != in_ids.size())
    fail(m.graph.name(), "the model takes {} input(s), got {}", in_ids.size(), inputs.size());
  std::vector<std::vector<int8_t>> out;
  for (size_t k = 0; k < inputs.size(); ++k) out.push_back(quantize_values(inputs[k].data, m.output_params(in_ids[k])));
  return out;
}

}  // namespace hwnas::quant
