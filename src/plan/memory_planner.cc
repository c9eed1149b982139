#include "hwnas/plan/memory_planner.h"

#include <algorithm>

#include "hwnas/core/error.h"
#include "hwnas/plan/greedy_planner.h"
#include "hwnas/plan/linear_planner.h"

namespace hwnas::plan {

std::vector<std::string> memory_planner_names() { return {"greedy", "linear"}; }

std::unique_ptr<MemoryPlanner> make_memory_planner(std::string_view name) {
  if (name == "greedy") return std::make_unique<GreedyPlanner>();
  if (name == "linear") return std::make_unique<LinearPlanner>();
  fail("planner '" + std::string(name) + "'", "unknown memory planner; use one of: greedy, linear");
}

std::vector<Buffer> aligned(std::span<const Buffer> buffers, int64_t alignment) {
  if (alignment < 1) fail("alignment", "is {}; it must be at least 1 byte", alignment);
  std::vector<Buffer> out(buffers.begin(), buffers.end());
  for (Buffer& b : out) b.bytes = (b.bytes + alignment - 1) / alignment * alignment;
  return out;
}

bool is_valid_plan(std::span<const Buffer> buffers, const ArenaPlan& plan) {
  if (plan.offsets.size() != buffers.size()) return false;
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (plan.offsets[i] < 0 || plan.offsets[i] + buffers[i].bytes > plan.arena_bytes) return false;
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const bool together = buffers[i].first <= buffers[j].last && buffers[j].first <= buffers[i].last;
      const bool apart = plan.offsets[i] + buffers[i].bytes <= plan.offsets[j] ||
                         plan.offsets[j] + buffers[j].bytes <= plan.offsets[i];
      if (together && !apart && buffers[i].bytes > 0 && buffers[j].bytes > 0) return false;
    }
  }
  return true;
}

}  // namespace hwnas::plan
