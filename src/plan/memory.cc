#include "hwnas/plan/memory.h"

#include <fmt/format.h>

#include "hwnas/ir/stats.h"

namespace hwnas::plan {
namespace {

struct Planned {
  Lifetimes lifetimes;
  ArenaPlan arena;
  std::string order_method;
  int64_t lower_bound = 0;
};

Lifetimes aligned_lifetimes(const ir::Graph& g, const TensorGraph& tg, std::span<const int> order, int64_t alignment) {
  Lifetimes lt = tensor_lifetimes(g, tg, order);
  lt.buffers = aligned(lt.buffers, alignment);
  return lt;
}

Planned plan(const ir::Graph& g, const TensorGraph& tg, const MemoryOptions& o) {
  const auto planner = make_memory_planner(o.planner);
  Planned p;
  if (o.order == OrderPolicy::Best) {
    OrderResult r = best_order(tg, o.search);
    p.lifetimes = aligned_lifetimes(g, tg, r.order, o.alignment);
    p.order_method = r.method;
  } else {
    p.lifetimes = aligned_lifetimes(g, tg, graph_order(g), o.alignment);
    p.order_method = "graph order";
  }
  p.arena = planner->plan(p.lifetimes.buffers);
  p.lower_bound = peak_live_bytes(p.lifetimes);
  return p;
}

}  // namespace

std::string_view order_policy_name(OrderPolicy p) { return p == OrderPolicy::Best ? "best" : "graph"; }

std::string MemoryEstimate::source() const {
  return fmt::format("predicted ({} arena planner, {} order{})", planner, order_policy_name(order_policy),
                     in_place.depthwise ? ", in-place depthwise" : "");
}

MemoryEstimate estimate_memory(const ir::Graph& g, const hw::Device& device, const MemoryOptions& o) {
  const TensorGraph tg = tensor_graph(g, o.dtype, o.in_place);
  Planned p = plan(g, tg, o);
  MemoryEstimate m;
  m.model = g.name();
  m.device = device.name;
  m.planner = o.planner;
  m.dtype = o.dtype;
  m.order_policy = o.order;
  m.in_place = o.in_place;
  m.order_method = std::move(p.order_method);
  m.lifetimes = std::move(p.lifetimes);
  m.arena = std::move(p.arena);
  for (const TensorNode& t : tg.nodes) m.alias.push_back(t.alias);
  m.lower_bound_bytes = p.lower_bound;
  m.graph_order_lower_bound_bytes = o.order == OrderPolicy::Graph
                                        ? p.lower_bound
                                        : peak_live_bytes(aligned_lifetimes(g, tg, graph_order(g), o.alignment));
  m.weight_bytes = ir::compute_stats(g).weight_bytes(o.dtype);
  m.device_memory = device.memory;
  return m;
}

MemoryFootprint memory_footprint(const ir::Graph& g, const hw::Memory& device_memory, const MemoryOptions& o) {
  const Planned p = plan(g, tensor_graph(g, o.dtype, o.in_place), o);
  return {.peak_sram_bytes = p.arena.arena_bytes + device_memory.runtime_sram_bytes,
          .flash_bytes = ir::compute_stats(g).weight_bytes(o.dtype) + device_memory.runtime_flash_bytes};
}

}  // namespace hwnas::plan
