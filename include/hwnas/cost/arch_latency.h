#pragma once
// cost::ArchLatency: architecture -> predicted latency at search speed, equal to
// model.predict_ms(space.decode(arch), dtype) (to rounding: segments are summed first).
//
//   auto space = space::make_space("mbconv");
//   auto model = cost::make_latency_model({.kind = "roofline"}, hw::load_device("pixel3-cpu"));
//   cost::ArchLatency fast(*space, *model, ir::DType::f32);
//   double ms = fast.ms(space->sample(rng));   // ~1 us once the space's pieces are known
//
// Why it is fast: decoding an arch into an ir::Graph costs tens of microseconds, a search
// asks for millions of predictions, and most of a graph recurs across archs. The evaluator
// cuts an arch into a chain of segments (ArchSegmenter: mbconv's stem, each block, its head;
// other spaces: the whole arch), each named by a key of the choices that shape it. A
// segment's latency is the sum of its kernels' latencies, and a kernel's depends only on the
// kernel and on which processor (primary or fallback) its neighbours run on. So a segment's
// latency is memoised per (key, context), the context being the processor that made its
// input and the processors that read its output. Asking for an arch whose pieces are all
// known is a few hash look-ups; otherwise the arch is decoded and predicted once (the slow
// path) and every one of its segments is remembered.
//
// The fast path needs an additive model: total = sum of kernel ms + a constant, and no kernel
// spanning two segments. A model that says it is not (LatencyModel::additive(): the kernel
// model's cost of streaming weights depends on the whole graph's) gets the slow path for
// every arch. The evaluator also checks each graph it decodes; when one breaks the rule it
// forgets what it memoised, takes the slow path from then on, and says why (why_slow()).
// Errors of the model itself (a LUT without the kernel) propagate. Not thread-safe: one per thread.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hwnas/cost/latency_model.h"
#include "hwnas/space/search_space.h"

namespace hwnas::cost {

// How a space's archs split into a chain of segments: each segment reads one tensor from the
// one before it (or passes it through untouched) and its nodes' names start with its prefix.
class ArchSegmenter {
 public:
  virtual ~ArchSegmenter() = default;
  // The keys of a's segments in graph order, written into `keys` (resized; its strings are
  // reused, so that the hot path does not allocate). Equal keys mean equal subgraphs.
  virtual void keys(const space::Arch& a, std::vector<std::string>& keys) const = 0;
  // Per segment, the prefix its first node's name starts with ("" for the first segment).
  virtual std::vector<std::string> prefixes(const space::Arch& a) const = 0;
};

// mbconv spaces get stem / per-block / head segments; every other space one segment per arch.
std::unique_ptr<ArchSegmenter> make_segmenter(const space::SearchSpace& space);

class ArchLatency {
 public:
  // Keeps references to `space` and `model`: both must outlive the evaluator.
  ArchLatency(const space::SearchSpace& space, const LatencyModel& model, ir::DType dtype);
  ~ArchLatency();

  double ms(const space::Arch& a);
  // Empty while the fast path is in use; otherwise why not ("the kernel model is not
  // additive ...", "segment 'stage1' reads both ...").
  const std::string& why_slow() const { return why_slow_; }

  struct Counters {
    uint64_t calls = 0;    // ms() calls
    uint64_t decodes = 0;  // slow paths taken
    size_t segments = 0;   // distinct segment keys remembered
  };
  Counters counters() const;

 private:
  // What is remembered of one segment: facts that hold in any context, and its latency per
  // context (index: fallback made its input x 4 + mask of who reads its output, bit 0 the
  // primary, bit 1 the fallback; NaN until seen).
  struct Entry {
    uint8_t in_readers = 0;    // mask of the processors of the kernels that read its input
    bool passthrough = false;  // its output is its input (it adds nothing to the chain)
    uint8_t out_fallback = 0;  // 1 when its output is made on the fallback processor
    double ms[8];
    Entry();
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Memoises the segments of a's prediction p on graph g; returns why it cannot ("" if it did).
  std::string learn(const space::Arch& a, const ir::Graph& g, const LatencyPrediction& p);
  bool lookup(const space::Arch& a, double& ms);

  const space::SearchSpace& space_;
  const LatencyModel& model_;
  ir::DType dtype_;
  std::unique_ptr<ArchSegmenter> segmenter_;
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> memo_;
  double constant_ms_ = 0;  // total - sum of kernels (e.g. a per-inference overhead)
  bool constant_known_ = false;
  std::string why_slow_;
  Counters counters_;
  // Scratch reused by every call.
  std::vector<std::string> keys_;
  std::vector<const Entry*> entries_;
  std::vector<uint8_t> in_fallback_;
};

}  // namespace hwnas::cost
