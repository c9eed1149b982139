#include "hwnas/plan/linear_planner.h"

namespace hwnas::plan {

ArenaPlan LinearPlanner::plan(std::span<const Buffer> buffers) const {
  ArenaPlan p;
  for (const Buffer& b : buffers) {
    p.offsets.push_back(p.arena_bytes);
    p.arena_bytes += b.bytes;
  }
  return p;
}

}  // namespace hwnas::plan
