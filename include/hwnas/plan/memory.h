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
// Two engines run a model on a device, and the estimate predicts either:
//  - Engine::Tflm (the default): an interpreter that plans its arena as TFLite Micro does, with
//    the in-place rules, order and planner given; flash is ir::Stats::weight_bytes.
//  - Engine::HwnasCodegen: hwnas's own generated C (codegen/, docs/codegen.md). With
//    hwnas_codegen_options() the arena is exactly codegen::plan_arena's (same rules, in
//    in_place.h; same order search; same planner), plus the kernels' scratch buffer; flash is
//    the bytes of the constant arrays codegen emits (codegen_kernels.h). int8 only.
// default_memory_options() picks HwnasCodegen for a microcontroller (device kind "mcu") in int8,
// which is how hwnas deploys there (hwnas deploy), and Tflm otherwise.
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

enum class Engine : uint8_t { Tflm, HwnasCodegen };  // see above
std::string_view engine_name(Engine e);              // "tflm", "hwnas-codegen"
Engine parse_engine(std::string_view name);          // Error listing the names

struct MemoryOptions {
  ir::DType dtype = ir::DType::i8;
  // HwnasCodegen adds the kernels' scratch to the arena and counts flash as codegen's constant
  // arrays; the plan itself follows the fields below (hwnas_codegen_options() sets them).
  Engine engine = Engine::Tflm;
  std::string planner = "greedy";  // memory_planner_names()
  OrderPolicy order = OrderPolicy::Graph;
  int64_t alignment = 16;  // bytes; TFLite Micro aligns arena buffers to 16
  InPlaceRules in_place = {};
  OrderSearchOptions search = {};  // for OrderPolicy::Best
};

// codegen::plan_arena's plan with its default options: engine HwnasCodegen, best order, greedy,
// InPlaceRules::hwnas_codegen(), 16-byte alignment.
MemoryOptions hwnas_codegen_options();
// hwnas_codegen_options() for a device of kind "mcu" in int8; otherwise the TFLM-style defaults.
MemoryOptions default_memory_options(const hw::Device& device, ir::DType dtype);

// "predicted (greedy arena planner, graph order)", plus the in-place rules beyond the
// element-wise ones; for HwnasCodegen "predicted (hwnas codegen arena plan: greedy, best order,
// in-place depthwise and pointwise, fused activations, kernel scratch)".
std::string memory_source(const MemoryOptions& o);
// What is inside memory_source()'s parentheses: "greedy arena planner, graph order".
std::string memory_plan_description(const MemoryOptions& o);

struct MemoryEstimate {
  std::string model, device, planner;
  ir::DType dtype = ir::DType::i8;
  Engine engine = Engine::Tflm;
  OrderPolicy order_policy = OrderPolicy::Graph;
  InPlaceRules in_place;
  std::string order_method;  // "graph order" or best_order()'s method
  Lifetimes lifetimes;       // with buffer sizes aligned
  std::vector<char> alias;   // per node: an alias (no work, no buffer of its own)
  ArenaPlan arena;
  int64_t lower_bound_bytes = 0;              // peak live bytes of the order used (no planner beats it)
  int64_t graph_order_lower_bound_bytes = 0;  // the same for the graph's own order
  int64_t scratch_bytes = 0;                  // HwnasCodegen: the kernels' scratch (aligned)
  int64_t weight_bytes = 0;                   // ir::Stats::weight_bytes; HwnasCodegen: its constant arrays
  hw::Memory device_memory;                   // limits (0: none) and the runtime's fixed costs

  int64_t arena_bytes() const { return arena.arena_bytes; }
  int64_t sram_bytes() const { return arena.arena_bytes + scratch_bytes + device_memory.runtime_sram_bytes; }
  int64_t flash_bytes() const { return weight_bytes + device_memory.runtime_flash_bytes; }
  bool fits_sram() const { return device_memory.sram_bytes == 0 || sram_bytes() <= device_memory.sram_bytes; }
  bool fits_flash() const { return device_memory.flash_bytes == 0 || flash_bytes() <= device_memory.flash_bytes; }
  bool fits() const { return fits_sram() && fits_flash(); }
  std::string source() const;  // memory_source() of the options it was made with
};

// Error naming the planner when it is unknown.
MemoryEstimate estimate_memory(const ir::Graph& g, const hw::Device& device, const MemoryOptions& o = {});

struct MemoryFootprint {
  int64_t peak_sram_bytes = 0;  // arena (+ scratch) + runtime RAM
  int64_t flash_bytes = 0;      // weights + runtime flash
};
MemoryFootprint memory_footprint(const ir::Graph& g, const hw::Memory& device_memory, const MemoryOptions& o = {});

}  // namespace hwnas::plan
