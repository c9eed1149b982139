#pragma once
// cost::GreedyPlanner: TFLite Micro's GreedyMemoryPlanner. Buffers are placed largest first
// (ties: the earlier-created first); each goes at the lowest offset where it fits in a gap
// between the already placed buffers whose lifetimes overlap its own (first fit). Buffers
// that are never live together share bytes, so the arena is usually close to the lower
// bound cost::peak_live_bytes(), never below it.
//
//   cost::GreedyPlanner greedy;
//   cost::ArenaPlan p = greedy.plan(lifetimes.buffers);
#include "hwnas/cost/memory_planner.h"

namespace hwnas::cost {

class GreedyPlanner : public MemoryPlanner {
 public:
  std::string name() const override { return "greedy"; }
  ArenaPlan plan(std::span<const Buffer> buffers) const override;
};

}  // namespace hwnas::cost
