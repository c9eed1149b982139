#pragma once
// The per-step view of a plan::MemoryEstimate: at each step that does work, which tensors
// are live and how many bytes they take; and the whole estimate as JSON (`hwnas memory
// --json`). Steps of aliases (reshape, folded batch_norm) do no work and are left out.
//
//   plan::MemoryEstimate m = plan::estimate_memory(g, device);
//   for (const plan::TimelineStep& s : plan::memory_timeline(m)) {
//     g.node(s.node).name; s.live_bytes; s.live_buffers;   // buffer ids, lowest offset first
//   }
//   nlohmann::json j = plan::to_json(m, g);   // figures in bytes and KiB, buffers, timeline
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/plan/memory.h"

namespace hwnas::plan {

struct TimelineStep {
  int step = 0;                   // position in the order
  int node = 0;                   // the node run
  int64_t live_bytes = 0;         // sum of the live buffers (aligned sizes)
  std::vector<int> live_buffers;  // buffer ids, by arena offset
};

std::vector<TimelineStep> memory_timeline(const MemoryEstimate& m);

// The name of the tensor a buffer holds at `step`: its latest writer up to then.
std::string buffer_tensor_name(const MemoryEstimate& m, const ir::Graph& g, int buffer, int step);

// {"model", "device", "dtype", "planner", "order", "order_method", "source",
//  "peak_sram_bytes", "peak_sram_kib", "arena_bytes", "lower_bound_bytes",
//  "graph_order_lower_bound_bytes", "runtime_sram_bytes", "flash_bytes", "flash_kib",
//  "weight_bytes", "runtime_flash_bytes", "device_sram_bytes", "device_flash_bytes" (0: no limit),
//  "fits_sram", "fits_flash", "fits", "buffers": [{"offset", "bytes", "first", "last", "tensors"}],
//  "timeline": [{"step", "node", "op", "live_bytes", "live": [tensor names]}]}
nlohmann::json to_json(const MemoryEstimate& m, const ir::Graph& g);

}  // namespace hwnas::plan
