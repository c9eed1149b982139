#include "hwnas/plan/greedy_planner.h"

#include <algorithm>
#include <numeric>

namespace hwnas::plan {

ArenaPlan GreedyPlanner::plan(std::span<const Buffer> buffers) const {
  const int n = static_cast<int>(buffers.size());
  std::vector<int> by_size(n);
  std::iota(by_size.begin(), by_size.end(), 0);
  std::stable_sort(by_size.begin(), by_size.end(), [&](int a, int b) {
    if (buffers[a].bytes != buffers[b].bytes) return buffers[a].bytes > buffers[b].bytes;
    return buffers[a].first < buffers[b].first;
  });
  ArenaPlan p;
  p.offsets.assign(n, 0);
  std::vector<int> placed;      // buffer ids, sorted by offset
  std::vector<int> neighbours;  // placed buffers live at a common step with the current one
  for (int i : by_size) {
    const Buffer& b = buffers[i];
    neighbours.clear();
    for (int j : placed)
      if (buffers[j].first <= b.last && b.first <= buffers[j].last && buffers[j].bytes > 0) neighbours.push_back(j);
    // First fit: walk the neighbours in offset order; the candidate offset moves past each
    // one it would overlap, and the first gap large enough wins.
    int64_t offset = 0;
    for (int j : neighbours) {
      if (p.offsets[j] >= offset + b.bytes) break;
      offset = std::max(offset, p.offsets[j] + buffers[j].bytes);
    }
    p.offsets[i] = offset;
    p.arena_bytes = std::max(p.arena_bytes, offset + b.bytes);
    placed.insert(std::upper_bound(placed.begin(), placed.end(), i,
                                   [&](int a, int c) { return p.offsets[a] < p.offsets[c]; }),
                  i);
  }
  return p;
}

}  // namespace hwnas::plan
