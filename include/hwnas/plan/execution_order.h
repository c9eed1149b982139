#pragma once
// plan::best_order: the topological order of a graph's nodes that minimises the peak of
// live activation bytes (plan::peak_live_bytes of its lifetimes). Branchy graphs (NB201
// cells, SSDLite heads, concats of parallel branches) can need much less memory when one
// branch is finished before the next is started; chains have a single order.
//
//   plan::TensorGraph tg = plan::tensor_graph(g, ir::DType::i8);
//   plan::OrderResult r = plan::best_order(tg);
//   r.order;            // node ids; feed to plan::tensor_lifetimes()
//   r.peak_live_bytes;  // <= that of plan::graph_order(g)
//   r.method;           // "exact (DP over 1234 downsets)" or "heuristic (...)"
//
// Exact: the live bytes after a set S of finished nodes depend only on S, and so does the
// cost of running node v next (whether v may run in place depends only on which of its
// input's readers are in S), so a dynamic programme over the downsets (sets closed under
// inputs) level by level, keeping for each the least peak reaching it, is exact. The number
// of downsets grows with the graph's width, not its length (a chain of cells adds the
// downsets of each cell), so whole NB201 networks stay exact. Beyond `max_states` downsets it
// falls back to a heuristic: the same programme as a beam search (each level cut to the
// `beam_width` downsets with the least peak so far, then least live bytes), followed by
// adjacent swaps while they lower the peak (or keep it and lower the sum of the steps'
// bytes, to cross plateaus), and keeps the better of that and the graph's own order. Aliases (reshape, folded batch_norm) cost nothing and are placed right
// after their source.
#include <cstdint>
#include <string>
#include <vector>

#include "hwnas/plan/lifetimes.h"

namespace hwnas::plan {

struct OrderSearchOptions {
  int64_t max_states = 200000;  // downsets the exact search may visit before giving up
  int beam_width = 64;          // heuristic: downsets kept per level
  int swap_passes = 50;         // heuristic: passes of adjacent swaps at most
};

struct OrderResult {
  std::vector<int> order;       // every node id once, inputs before their readers
  int64_t peak_live_bytes = 0;  // of this order (equals peak_live_bytes(tensor_lifetimes(order)))
  bool exact = false;           // proven optimal
  int64_t states = 0;           // downsets visited by the exact search
  std::string method;           // how it was found, for people
};

OrderResult best_order(const TensorGraph& tg, const OrderSearchOptions& o = {});

}  // namespace hwnas::plan
