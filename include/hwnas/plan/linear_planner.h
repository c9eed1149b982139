#pragma once
// plan::LinearPlanner: TFLite Micro's LinearMemoryPlanner. Every buffer gets its own bytes,
// one after the other in creation order; nothing is reused, so the arena is the sum of all
// buffers: the upper bound a reusing planner is compared with.
//
//   plan::LinearPlanner linear;
//   plan::ArenaPlan p = linear.plan(lifetimes.buffers);   // p.arena_bytes = sum of bytes
#include "hwnas/plan/memory_planner.h"

namespace hwnas::plan {

class LinearPlanner : public MemoryPlanner {
 public:
  std::string name() const override { return "linear"; }
  ArenaPlan plan(std::span<const Buffer> buffers) const override;
};

}  // namespace hwnas::plan
