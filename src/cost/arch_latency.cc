#include "hwnas/cost/arch_latency.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::cost {
namespace {

constexpr uint8_t kPrimaryReads = 1;  // bit 0 of a reader mask; bit 1: the fallback reads
// Segments remembered before the memo starts afresh (~100 bytes each): spaces cut into pieces
// stay far below (mbconv: ~2,000, nb201: 15,625), whole-arch memos of huge spaces do not grow
// without bound.
constexpr size_t kMaxSegments = size_t{1} << 18;

// The context of every segment of a chain, from the facts of its segments: which processor
// made each segment's input (a passthrough segment hands on its own input's maker) and which
// read its output (the next segment's readers, plus, when that one passes the tensor through,
// whoever reads it after). The application reads the result on the primary. Calls
// f(segment, context index) from the last segment to the first; stops when f returns false.
template <typename Entry, typename F>
bool for_each_context(const std::vector<const Entry*>& chain, std::vector<uint8_t>& in_fallback, F f) {
  in_fallback.resize(chain.size());
  uint8_t made_on_fallback = 0;  // the graph input is handed to the primary
  for (size_t i = 0; i < chain.size(); ++i) {
    in_fallback[i] = made_on_fallback;
    if (!chain[i]->passthrough) made_on_fallback = chain[i]->out_fallback;
  }
  uint8_t readers = kPrimaryReads;
  for (size_t i = chain.size(); i-- > 0;) {
    if (!f(i, in_fallback[i] * 4 + readers)) return false;
    readers = chain[i]->in_readers | (chain[i]->passthrough ? readers : 0);
  }
  return true;
}

}  // namespace

ArchLatency::Entry::Entry() { std::fill(std::begin(ms), std::end(ms), std::numeric_limits<double>::quiet_NaN()); }

ArchLatency::ArchLatency(const space::SearchSpace& space, const LatencyModel& model, ir::DType dtype)
    : space_(space), model_(model), dtype_(dtype), segmenter_(make_segmenter(space)) {
  if (!model.additive())
    why_slow_ =
        fmt::format("the {} model is not additive over kernels (its total depends on the whole graph)", model.kind());
}

ArchLatency::~ArchLatency() = default;

ArchLatency::Counters ArchLatency::counters() const {
  Counters c = counters_;
  c.segments = memo_.size();
  return c;
}

double ArchLatency::ms(const space::Arch& a) {
  ++counters_.calls;
  double total = 0;
  if (why_slow_.empty() && lookup(a, total)) return total;
  ++counters_.decodes;
  const ir::Graph g = space_.decode(a);
  const LatencyPrediction p = model_.predict(g, dtype_);
  if (!why_slow_.empty()) return p.total_ms;
  why_slow_ = learn(a, g, p);
  // Summed from the memo, as the next call for a will be (the same rounding).
  if (why_slow_.empty() && lookup(a, total)) return total;
  if (why_slow_.empty()) why_slow_ = fmt::format("arch {} is still unknown after it was decoded", space_.to_string(a));
  memo_.clear();
  return p.total_ms;
}

bool ArchLatency::lookup(const space::Arch& a, double& total) {
  segmenter_->keys(a, keys_);
  entries_.resize(keys_.size());
  for (size_t i = 0; i < keys_.size(); ++i) {
    const auto it = memo_.find(std::string_view(keys_[i]));
    if (it == memo_.end()) return false;
    entries_[i] = &it->second;
  }
  total = constant_ms_;
  return for_each_context(entries_, in_fallback_, [&](size_t i, int context) {
    const double ms = entries_[i]->ms[context];
    total += ms;
    return !std::isnan(ms);
  });
}

std::string ArchLatency::learn(const space::Arch& a, const ir::Graph& g, const LatencyPrediction& p) {
  if (memo_.size() >= kMaxSegments) memo_.clear();
  const std::string where = fmt::format("arch {}", space_.to_string(a));
  const std::vector<std::string> prefixes = segmenter_->prefixes(a);
  std::vector<std::string> keys;
  segmenter_->keys(a, keys);
  const size_t n = keys.size();
  if (prefixes.size() != n) return fmt::format("the segmenter gives {} keys but {} prefixes", n, prefixes.size());

  // Segment of every node: the last segment whose prefix a node so far has started with.
  std::vector<int> segment(g.size());
  for (int id = 0, cur = 0; id < g.size(); ++id) {
    for (size_t j = cur + 1; j < n; ++j)
      if (g.node(id).name.starts_with(prefixes[j])) {
        cur = static_cast<int>(j);
        break;
      }
    segment[id] = cur;
  }

  // Kernels: their latency goes to their segment; their processor marks their nodes.
  std::vector<double> segment_ms(n, 0.0);
  std::vector<uint8_t> on_fallback(g.size(), 0);
  double kernels_ms = 0;
  for (const KernelCost& k : p.kernels) {
    const int s = segment[k.nodes.front()];
    for (int id : k.nodes) {
      if (segment[id] != s)
        return fmt::format("{}: the {} model fuses {} and {} across two segments", where, model_.kind(),
                           g.describe(k.nodes.front()), g.describe(id));
      on_fallback[id] = k.fallback;
    }
    segment_ms[s] += k.ms;
    kernels_ms += k.ms;
  }
  const double constant = p.total_ms - kernels_ms;
  if (!constant_known_) {
    constant_ms_ = constant;
    constant_known_ = true;
  } else if (std::abs(constant - constant_ms_) > 1e-9 * std::max(1.0, std::abs(p.total_ms))) {
    return fmt::format(
        "{}: the {} model's total minus its kernels is {} ms here but was {} ms before; it is "
        "not additive",
        where, model_.kind(), constant, constant_ms_);
  }

  // The chain: the one tensor each segment reads from before it, and the one it hands on.
  std::vector<int> input(n, -1), output(n, -1);
  std::vector<Entry> facts(n);
  for (int id = 0; id < g.size(); ++id) {
    const int s = segment[id];
    for (int in : g.node(id).inputs) {
      if (segment[in] == s) continue;
      if (input[s] >= 0 && input[s] != in)
        return fmt::format("{}: segment '{}' reads both {} and {} from earlier segments; segments must form a chain",
                           where, prefixes[s], g.describe(input[s]), g.describe(in));
      input[s] = in;
      facts[s].in_readers |= on_fallback[id] ? 2 : 1;
    }
  }
  if (g.outputs().size() != 1)
    return fmt::format("{}: the graph has {} outputs; segments need one", where, g.outputs().size());
  for (size_t s = n; s-- > 0;)
    output[s] = s + 1 == n ? g.outputs()[0] : (input[s + 1] >= 0 ? input[s + 1] : output[s + 1]);
  for (size_t s = 0; s < n; ++s) {
    facts[s].passthrough = segment[output[s]] != static_cast<int>(s);
    facts[s].out_fallback = on_fallback[output[s]];
    const int received = input[s] >= 0 ? input[s] : (s > 0 ? output[s - 1] : -1);
    if (facts[s].passthrough && output[s] != received)
      return fmt::format("{}: segment '{}' hands on {}, which it did not receive; segments must form a chain", where,
                         prefixes[s], g.describe(output[s]));
  }

  std::vector<const Entry*> chain(n);
  for (size_t s = 0; s < n; ++s) chain[s] = &facts[s];
  std::vector<uint8_t> in_fallback;
  std::string why;
  for_each_context(chain, in_fallback, [&](size_t s, int context) {
    const auto [it, inserted] = memo_.try_emplace(keys[s]);
    Entry& e = it->second;
    if (inserted) {
      e.in_readers = facts[s].in_readers;
      e.passthrough = facts[s].passthrough;
      e.out_fallback = facts[s].out_fallback;
    } else if (e.in_readers != facts[s].in_readers || e.passthrough != facts[s].passthrough ||
               e.out_fallback != facts[s].out_fallback) {
      why = fmt::format(
          "{}: segment '{}' runs differently than it did in another arch with the same key; the "
          "segmenter's key misses a choice that shapes it",
          where, prefixes[s]);
      return false;
    }
    e.ms[context] = segment_ms[s];
    return true;
  });
  return why;
}

}  // namespace hwnas::cost
