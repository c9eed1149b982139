#pragma once
// plan::GreedyPlanner: TFLite Micro's GreedyMemoryPlanner. Buffers are placed largest first
// (ties: the earlier-created first); each goes at the lowest offset where it fits in a gap
// between the already placed buffers whose lifetimes overlap its own (first fit). Buffers
// that are never live together share bytes, so the arena is usually close to the lower
// bound plan::peak_live_bytes(), never below it.
//
//   plan::GreedyPlanner greedy;
//   plan::ArenaPlan p = greedy.plan(lifetimes.buffers);
#include "hwnas/plan/memory_planner.h"

namespace hwnas::plan {

class GreedyPlanner : public MemoryPlanner {
 public:
  std::string name() const override { return "greedy"; }
  ArenaPlan plan(std::span<const Buffer> buffers) const override;
};

}  // namespace hwnas::plan
