#include "hwnas/cost/prediction_json.h"

#include "hwnas/core/error.h"

namespace hwnas::cost {

std::string kernel_ops(const ir::Graph& g, const KernelCost& k) {
  std::string t;
  for (int id : k.nodes) t += (t.empty() ? "" : "+") + std::string(ir::op_name(g.node(id).op));
  return t;
}

nlohmann::ordered_json to_json(const ir::Graph& g, const hw::Device& d, ir::DType dtype, const LatencyPrediction& p,
                               const Energy& e, const std::optional<AveragePower>& power) {
  nlohmann::ordered_json j = {{"model", g.name()},   {"device", d.name},         {"dtype", ir::dtype_name(dtype)},
                              {"source", p.source},  {"latency_ms", p.total_ms}, {"energy_mj", e.energy_mj},
                              {"max_fps", e.max_fps}};
  if (power) j["average_power_mw"] = {{"fps", power->fps}, {"mw", power->mw}};
  j["kernels"] = nlohmann::ordered_json::array();
  for (const KernelCost& k : p.kernels) {
    if (k.processor < 0 || k.processor >= static_cast<int>(d.processors.size()))
      fail("prediction JSON", "kernel {} runs on processor {}; {} has {}", g.node(k.nodes.at(0)).name, k.processor,
           d.name, d.processors.size());
    j["kernels"].push_back({{"name", g.node(k.nodes.at(0)).name},
                            {"type", kernel_ops(g, k)},
                            {"processor", d.processors[k.processor].name},
                            {"fallback", k.fallback},
                            {"ms", k.ms},
                            {"compute_ms", k.compute_ms},
                            {"memory_ms", k.memory_ms},
                            {"transfer_ms", k.transfer_ms},
                            {"bound", bound_name(k.bound)},
                            {"macs", k.macs},
                            {"bytes", k.bytes}});
  }
  return j;
}

}  // namespace hwnas::cost
