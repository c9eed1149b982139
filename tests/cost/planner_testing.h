#pragma once
// Shorthands for the arena planner tests: a buffer by size and lifetime, and the live-bytes
// lower bound of a set of buffers over `steps` execution steps.
#include <cstdint>
#include <vector>

#include "hwnas/cost/lifetimes.h"

namespace hwnas::testing {

using cost::Buffer;

inline Buffer buf(int64_t bytes, int first, int last) {
  return {.bytes = bytes, .first = first, .last = last, .nodes = {}};
}

inline int64_t lower_bound(const std::vector<Buffer>& bs, int steps) {
  cost::Lifetimes lt;
  lt.order.resize(steps);
  lt.buffers = bs;
  return cost::peak_live_bytes(lt);
}

}  // namespace hwnas::testing
