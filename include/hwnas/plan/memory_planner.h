#pragma once
// plan::MemoryPlanner: places buffers with known sizes and lifetimes (lifetimes.h) at
// offsets of one arena so that buffers live at the same step never overlap, as TFLite
// Micro's memory_planner/ does. The arena's size is the high-water mark: max(offset + bytes).
// Implementations: greedy (greedy_planner.h: TFLM's GreedyMemoryPlanner) and linear
// (linear_planner.h: no reuse, the sum of all buffers).
//
//   auto planner = plan::make_memory_planner("greedy");
//   plan::ArenaPlan p = planner->plan(plan::aligned(lifetimes.buffers, 16));
//   p.arena_bytes;      // what the device must reserve for activations
//   p.offsets[i];       // where buffer i starts
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/plan/lifetimes.h"

namespace hwnas::plan {

struct ArenaPlan {
  std::vector<int64_t> offsets;  // per buffer
  int64_t arena_bytes = 0;       // high-water mark
};

class MemoryPlanner {
 public:
  virtual ~MemoryPlanner() = default;
  virtual std::string name() const = 0;
  virtual ArenaPlan plan(std::span<const Buffer> buffers) const = 0;
};

std::vector<std::string> memory_planner_names();  // {"greedy", "linear"}
// Error listing the names when `name` is not one of them.
std::unique_ptr<MemoryPlanner> make_memory_planner(std::string_view name);

// The buffers with their sizes rounded up to a multiple of `alignment` bytes (TFLM aligns
// every arena buffer to 16).
std::vector<Buffer> aligned(std::span<const Buffer> buffers, int64_t alignment);

// True when no two buffers live at a common step overlap in the arena and every buffer
// lies inside it: the invariant every planner keeps (tests check it on random inputs).
bool is_valid_plan(std::span<const Buffer> buffers, const ArenaPlan& plan);

}  // namespace hwnas::plan
