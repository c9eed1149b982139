#include "hwnas/plan/execution_order.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

namespace hwnas::plan {
namespace {

// The nodes that do work (non-aliases), renumbered 0..m-1, with what a step needs.
struct WorkGraph {
  std::vector<int> ids;                 // compact index -> node id
  std::vector<int> index;               // node id -> compact index (-1 for aliases)
  std::vector<std::vector<int>> reads;  // compact indices of the roots read
  std::vector<std::vector<int>> readers;
  std::vector<int64_t> bytes;
  std::vector<char> in_place, is_output;
};

WorkGraph work_graph(const TensorGraph& tg) {
  WorkGraph w;
  const int n = static_cast<int>(tg.nodes.size());
  w.index.assign(n, -1);
  for (int id = 0; id < n; ++id)
    if (!tg.nodes[id].alias) {
      w.index[id] = static_cast<int>(w.ids.size());
      w.ids.push_back(id);
    }
  for (int id : w.ids) {
    const TensorNode& t = tg.nodes[id];
    std::vector<int> reads, readers;
    for (int r : t.reads) reads.push_back(w.index[r]);
    for (int r : tg.readers[id]) readers.push_back(w.index[r]);
    w.reads.push_back(std::move(reads));
    w.readers.push_back(std::move(readers));
    w.bytes.push_back(t.bytes);
    w.in_place.push_back(t.in_place);
    w.is_output.push_back(tg.is_output[id]);
  }
  return w;
}

struct Step {
  int64_t peak = 0;  // live bytes while v runs
  int64_t live = 0;  // live bytes after it
};

// Running v when the nodes for which done(i) holds have run and `live` bytes are live; the
// rules of lifetimes.h (an input dies at its last reader; in place into a dying input of the
// same size; an output read by nobody dies at once unless it is a graph output).
template <typename Done>
Step step(const WorkGraph& w, int v, int64_t live, Done done) {
  int64_t dying = 0;
  bool reuse = false;
  for (int r : w.reads[v]) {
    if (w.is_output[r]) continue;
    const bool last = std::all_of(w.readers[r].begin(), w.readers[r].end(), [&](int u) { return u == v || done(u); });
    if (!last) continue;
    dying += w.bytes[r];
    reuse = reuse || (w.in_place[v] && w.bytes[r] == w.bytes[v]);
  }
  Step s;
  s.peak = live + (reuse ? 0 : w.bytes[v]);
  s.live = live + w.bytes[v] - dying - (w.readers[v].empty() && !w.is_output[v] ? w.bytes[v] : 0);
  return s;
}

// An order's peak, and the sum of its steps' bytes: swaps that keep the peak but lower the
// sum move the search across plateaus of equal peaks (and cannot cycle).
struct OrderCost {
  int64_t peak = 0, area = 0;
  auto operator<=>(const OrderCost&) const = default;
};

OrderCost order_cost(const WorkGraph& w, const std::vector<int>& order) {
  std::vector<char> done(w.ids.size(), 0);
  int64_t live = 0;
  OrderCost c;
  for (int v : order) {
    const Step s = step(w, v, live, [&](int u) { return done[u] != 0; });
    c.peak = std::max(c.peak, s.peak);
    c.area += s.peak;
    live = s.live;
    done[v] = 1;
  }
  return c;
}

// Exact DP over downsets, level by level (level k: the downsets of k nodes).
struct Downsets {
  int words = 0;
  std::vector<uint64_t> bits;  // `words` per state
  std::vector<int64_t> live, peak;
  std::vector<int> parent, node;

  const uint64_t* set(int s) const { return bits.data() + static_cast<size_t>(s) * words; }
  bool has(int s, int v) const { return (set(s)[v >> 6] >> (v & 63)) & 1; }
};

struct KeyHash {
  size_t operator()(const std::vector<uint64_t>& k) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (uint64_t x : k) h = (h ^ x) * 0xff51afd7ed558ccdull;
    return static_cast<size_t>(h ^ (h >> 32));
  }
};

// The DP over downsets. beam == 0: exact; the optimal order of the work nodes, or an empty
// vector when more than max_states downsets would be needed. beam > 0: beam search, each
// level cut to the `beam` downsets with the least (peak so far, live bytes) (max_states
// does not apply).
std::vector<int> downset_order(const WorkGraph& w, int64_t max_states, int beam, int64_t& states) {
  const int m = static_cast<int>(w.ids.size());
  Downsets d;
  d.words = (m + 63) / 64;
  d.bits.assign(d.words, 0);
  d.live = {0};
  d.peak = {0};
  d.parent = {-1};
  d.node = {-1};
  std::vector<int> level = {0};
  std::vector<uint64_t> key(d.words);
  for (int k = 0; k < m; ++k) {
    std::unordered_map<std::vector<uint64_t>, int, KeyHash> next;
    std::vector<int> next_level;
    for (int s : level) {
      auto done = [&](int u) { return d.has(s, u); };
      int first_missing = 0;  // every node before it is done: start the scan there
      while (first_missing < m && done(first_missing)) ++first_missing;
      for (int v = first_missing; v < m; ++v) {
        if (done(v) || !std::all_of(w.reads[v].begin(), w.reads[v].end(), done)) continue;
        const Step st = step(w, v, d.live[s], done);
        const int64_t peak = std::max(d.peak[s], st.peak);
        std::copy(d.set(s), d.set(s) + d.words, key.begin());
        key[v >> 6] |= uint64_t{1} << (v & 63);
        auto [it, inserted] = next.try_emplace(key, static_cast<int>(d.live.size()));
        if (inserted) {
          if (beam == 0 && static_cast<int64_t>(d.live.size()) >= max_states) {
            states = static_cast<int64_t>(d.live.size());
            return {};
          }
          d.bits.insert(d.bits.end(), key.begin(), key.end());
          d.live.push_back(st.live);
          d.peak.push_back(peak);
          d.parent.push_back(s);
          d.node.push_back(v);
          next_level.push_back(it->second);
        } else if (peak < d.peak[it->second]) {
          d.peak[it->second] = peak;
          d.parent[it->second] = s;
          d.node[it->second] = v;
        }
      }
    }
    if (beam > 0 && static_cast<int>(next_level.size()) > beam) {
      const auto better = [&](int a, int b) {
        return std::pair(d.peak[a], d.live[a]) < std::pair(d.peak[b], d.live[b]);
      };
      std::nth_element(next_level.begin(), next_level.begin() + beam, next_level.end(), better);
      next_level.resize(beam);
    }
    level = std::move(next_level);
  }
  states = static_cast<int64_t>(d.live.size());
  std::vector<int> order;
  for (int s = level.at(0); d.parent[s] >= 0; s = d.parent[s]) order.push_back(d.node[s]);
  std::reverse(order.begin(), order.end());
  return order;
}

// Adjacent swaps of independent nodes while they lower the (peak, area) cost.
void improve_by_swaps(const WorkGraph& w, std::vector<int>& order, int passes) {
  OrderCost cost = order_cost(w, order);
  for (int pass = 0; pass < passes; ++pass) {
    bool improved = false;
    for (size_t i = 0; i + 1 < order.size(); ++i) {
      const auto& reads = w.reads[order[i + 1]];
      if (std::find(reads.begin(), reads.end(), order[i]) != reads.end()) continue;
      std::swap(order[i], order[i + 1]);
      const OrderCost c = order_cost(w, order);
      if (c < cost) {
        cost = c;
        improved = true;
      } else {
        std::swap(order[i], order[i + 1]);
      }
    }
    if (!improved) break;
  }
}

// Node ids in the order of the work nodes, each followed by its aliases (recursively).
std::vector<int> with_aliases(const WorkGraph& w, const TensorGraph& tg, const std::vector<int>& work) {
  std::vector<int> order;
  auto emit = [&](auto&& self, int id) -> void {
    order.push_back(id);
    for (int a : tg.alias_of[id]) self(self, a);
  };
  for (int v : work) emit(emit, w.ids[v]);
  return order;
}

}  // namespace

OrderResult best_order(const TensorGraph& tg, const OrderSearchOptions& o) {
  const WorkGraph w = work_graph(tg);
  OrderResult r;
  std::vector<int> work = downset_order(w, o.max_states, 0, r.states);
  if (!work.empty() || w.ids.empty()) {
    r.exact = true;
    r.method = fmt::format("exact (DP over {} downsets)", r.states);
  } else {
    std::vector<int> natural(w.ids.size());
    for (size_t i = 0; i < natural.size(); ++i) natural[i] = static_cast<int>(i);
    int64_t beam_states = 0;
    work = downset_order(w, 0, o.beam_width, beam_states);
    improve_by_swaps(w, work, o.swap_passes);
    const bool graph_better = order_cost(w, natural).peak <= order_cost(w, work).peak;
    if (graph_better) work = natural;
    r.method =
        fmt::format("heuristic ({}; the exact search stopped at {} downsets)",
                    graph_better ? fmt::format("graph order, no better one found by a beam of {} + swaps", o.beam_width)
                                 : fmt::format("beam search over downsets, width {}, + adjacent swaps", o.beam_width),
                    r.states);
  }
  r.order = with_aliases(w, tg, work);
  r.peak_live_bytes = order_cost(w, work).peak;
  return r;
}

}  // namespace hwnas::plan
