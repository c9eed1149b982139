#include "hwnas/cost/linear_planner.h"

namespace hwnas::cost {

ArenaPlan LinearPlanner::plan(std::span<const Buffer> buffers) const {
  ArenaPlan p;
  for (const Buffer& b : buffers) {
    p.offsets.push_back(p.arena_bytes);
    p.arena_bytes += b.bytes;
  }
  return p;
}

}  // namespace hwnas::cost
