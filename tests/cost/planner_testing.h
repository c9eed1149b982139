#pragma once
// Shorthands for the arena planner tests: a buffer by size and lifetime, and the live-bytes
// lower bound of a set of buffers over `steps` execution steps.
#include <cstdint>
#include <vector>

#include "hwnas/plan/lifetimes.h"

namespace hwnas::testing {

using plan::Buffer;

inline Buffer buf(int64_t bytes, int first, int last) {
  return {.bytes = bytes, .first = first, .last = last, .nodes = {}};
}

inline int64_t lower_bound(const std::vector<Buffer>& bs, int steps) {
  plan::Lifetimes lt;
  lt.order.resize(steps);
  lt.buffers = bs;
  return plan::peak_live_bytes(lt);
}

}  // namespace hwnas::testing
