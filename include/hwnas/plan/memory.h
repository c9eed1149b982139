#pragma once
// plan::estimate_memory: what a graph needs on a device's memories, predicted: the peak SRAM
// (activation arena planned by a memory planner, plus the runtime's fixed RAM) and the flash
// (deployable weights in the dtype, plus the runtime's fixed flash), and whether each fits.
//
//   hw::Device dev = hw::load_device("cortex-m7");
//   plan::MemoryEstimate m = plan::estimate_memory(graph, dev, {.dtype = ir::DType::i8,
//                                                             .order = plan::OrderPolicy::Best});
//   m.sram_bytes(); m.flash_bytes(); m.fits();
//   m.source();      // "predicted (greedy arena planner, best order)"
//
// For a search scoring thousands of candidates, memory_footprint() returns just the two
// figures (graph order unless told otherwise; tens of microseconds for a MobileNetV2).
// Figures are for one inference with batch 1; every tensor is stored in the dtype (int8
// networks keep int8 activations, as TFLite Micro does). See lifetimes.h for the rules.
#include <cstdint>
#include <string>

#include "hwnas/hw/device.h"
#include "hwnas/ir/graph.h"
#include "hwnas/plan/execution_order.h"
#include "hwnas/plan/lifetimes.h"
#include "hwnas/plan/memory_planner.h"

namespace hwnas::plan {

enum class OrderPolicy : uint8_t { Graph, Best };   // the graph's node order, or best_order()
std::string_view order_policy_name(OrderPolicy p);  // "graph", "best"

struct MemoryOptions {
  ir::DType dtype = ir::DType::i8;
  std::string planner = "greedy";  // memory_planner_names()
  OrderPolicy order = OrderPolicy::Graph;
  int64_t alignment = 16;  // bytes; TFLite Micro aligns arena buffers to 16
  InPlaceRules in_place = {};
  OrderSearchOptions search = {};  // for OrderPolicy::Best
};

struct MemoryEstimate {
  std::string model, device, planner;
  ir::DType dtype = ir::DType::i8;
  OrderPolicy order_policy = OrderPolicy::Graph;
  InPlaceRules in_place;
  std::string order_method;  // "graph order" or best_order()'s method
  Lifetimes lifetimes;       // with buffer sizes aligned
  std::vector<char> alias;   // per node: an alias (no work, no buffer of its own)
  ArenaPlan arena;
  int64_t lower_bound_bytes = 0;              // peak live bytes of the order used (no planner beats it)
  int64_t graph_order_lower_bound_bytes = 0;  // the same for the graph's own order
  int64_t weight_bytes = 0;                   // ir::Stats::weight_bytes(dtype)
  hw::Memory device_memory;                   // limits (0: none) and the runtime's fixed costs

  int64_t arena_bytes() const { return arena.arena_bytes; }
  int64_t sram_bytes() const { return arena.arena_bytes + device_memory.runtime_sram_bytes; }
  int64_t flash_bytes() const { return weight_bytes + device_memory.runtime_flash_bytes; }
  bool fits_sram() const { return device_memory.sram_bytes == 0 || sram_bytes() <= device_memory.sram_bytes; }
  bool fits_flash() const { return device_memory.flash_bytes == 0 || flash_bytes() <= device_memory.flash_bytes; }
  bool fits() const { return fits_sram() && fits_flash(); }
  // "predicted (greedy arena planner, graph order)", plus ", in-place depthwise" when on.
  std::string source() const;
};

// Error naming the planner when it is unknown.
MemoryEstimate estimate_memory(const ir::Graph& g, const hw::Device& device, const MemoryOptions& o = {});

struct MemoryFootprint {
  int64_t peak_sram_bytes = 0;  // arena + runtime RAM
  int64_t flash_bytes = 0;      // weights + runtime flash
};
MemoryFootprint memory_footprint(const ir::Graph& g, const hw::Memory& device_memory, const MemoryOptions& o = {});

}  // namespace hwnas::plan
