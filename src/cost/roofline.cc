#include "hwnas/cost/roofline.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/op_traits.h"
#include "hwnas/ir/stats.h"

namespace hwnas::cost {
namespace {

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The node lists of ir::split_kernels, each cut where a node runs on another processor than
// the node before it (an NPU cannot fuse an activation it falls back on).
std::vector<std::vector<int>> placed_kernels(const ir::Graph& g, const std::vector<hw::Placement>& placement) {
  static const ir::FusionRules rules = roofline_fusion_rules();
  std::vector<std::vector<int>> out;
  for (ir::Kernel& k : ir::split_kernels(g, rules)) {
    size_t start = 0;
    for (size_t i = 1; i <= k.nodes.size(); ++i) {
      if (i < k.nodes.size() && placement[k.nodes[i]].processor == placement[k.nodes[start]].processor) continue;
      if (start == 0 && i == k.nodes.size()) {
        out.push_back(std::move(k.nodes));
        break;
      }
      out.emplace_back(k.nodes.begin() + start, k.nodes.begin() + i);
      start = i;
    }
  }
  return out;
}

}  // namespace

ir::FusionRules roofline_fusion_rules() {
  ir::FusionRules r = ir::FusionRules::batchnorm_only();
  for (const ir::OpTraits& producer : ir::all_traits())
    if (ir::is_linear(producer.op))
      for (const ir::OpTraits& act : ir::all_traits())
        if (act.fusable_activation) r.add(producer.op, act.op);
  return r;
}

RooflineModel::RooflineModel(hw::Device device) : device_(std::move(device)) {
  const std::string where = fmt::format("device '{}'", device_.name);
  const int n = static_cast<int>(device_.processors.size());
  if (n == 0) fail(where, "has no processors; a roofline needs at least one with a clock and a bandwidth");
  if (n > 32) fail(where, "has {} processors; the roofline handles up to 32", n);
  if (device_.primary < 0 || device_.primary >= n)
    fail(where, "primary processor {} is not one of its {} processors", device_.primary, n);
  for (int i = 0; i < n; ++i) {
    const hw::Processor& p = device_.processors[i];
    const std::string at = fmt::format("{}: processors[{}] ({})", where, i, p.name);
    if (!(p.clock_hz > 0)) fail(at, "clock_hz is {}; set the clock (Hz) so compute time can be derived", p.clock_hz);
    if (!(p.bandwidth_bytes_per_s > 0))
      fail(at, "bandwidth is {} bytes/s; set the memory bandwidth so memory time can be derived",
           p.bandwidth_bytes_per_s);
  }
  const hw::Fallback& f = device_.fallback;
  if (f.processor >= n) fail(where, "fallback processor {} is not one of its {} processors", f.processor, n);
  if (f.processor >= 0 && !(f.transfer_bytes_per_s > 0))
    fail(where + ": fallback", "transfer rate is {} bytes/s; set it so moving tensors to the fallback can be costed",
         f.transfer_bytes_per_s);
}

std::string RooflineModel::source() const { return fmt::format("predicted (roofline on {})", device_.name); }

std::string RooflineModel::fingerprint() const { return fmt::format("roofline/{:016x}", fnv1a(hw::to_yaml(device_))); }

LatencyPrediction RooflineModel::predict(const ir::Graph& g, ir::DType dtype) const {
  const std::vector<hw::Placement> placement = hw::place_all(device_, g, dtype);
  const std::vector<std::vector<int>> kernels = placed_kernels(g, placement);
  const ir::Stats stats = ir::compute_stats(g);
  const int64_t elem = ir::dtype_bytes(dtype);
  const auto tensor_bytes = [&](int id) { return g.node(id).shape.numel() * elem; };

  // Per node: its kernel and processor (graph inputs are handed to the primary), whether a
  // kernel other than its own reads it, and the processors of those readers (a bit each).
  std::vector<int> kernel_of(g.size(), -1), proc_of(g.size(), device_.primary);
  for (size_t k = 0; k < kernels.size(); ++k)
    for (int id : kernels[k]) {
      kernel_of[id] = static_cast<int>(k);
      proc_of[id] = placement[kernels[k][0]].processor;
    }
  std::vector<bool> read_outside(g.size(), false);
  std::vector<uint32_t> reader_procs(g.size(), 0);
  for (int id = 0; id < g.size(); ++id)
    for (int in : g.node(id).inputs)
      if (kernel_of[in] != kernel_of[id]) {
        read_outside[in] = true;
        reader_procs[in] |= 1u << proc_of[id];
      }
  for (int o : g.outputs()) {
    read_outside[o] = true;
    reader_procs[o] |= 1u << device_.primary;  // the application reads results on the primary
  }

  const hw::Fallback& fb = device_.fallback;
  const auto transfer_s = [&](int64_t bytes) {
    return static_cast<double>(bytes) / fb.transfer_bytes_per_s + fb.transfer_overhead_s;
  };

  // Weights each processor has read so far, in execution order: what its weights cache holds.
  std::vector<int64_t> weights_seen(device_.processors.size(), 0);

  LatencyPrediction out;
  out.source = source();
  out.kernels.reserve(kernels.size());
  std::vector<int> inputs;  // per kernel: the distinct tensors it reads from outside
  for (size_t k = 0; k < kernels.size(); ++k) {
    const std::vector<int>& nodes = kernels[k];
    const int anchor = nodes[0];
    const int proc = proc_of[anchor];
    const hw::Processor& p = device_.processors[proc];
    KernelCost c;
    c.nodes = nodes;
    c.processor = proc;
    c.fallback = proc != device_.primary;

    const hw::OpClass cls = hw::op_class(g.node(anchor).op);
    const double work = hw::op_work(g, stats, anchor);
    // Inner loops at the class's rate, plus what the kernel spends per value it writes.
    const double per_output = p.output_cycles(cls, dtype) * static_cast<double>(g.node(nodes.back()).shape.numel());
    const double compute_s = (work > 0 ? work / (p.clock_hz * p.rate(cls, dtype)) : 0.0) + per_output / p.clock_hz;

    double transfer = 0;
    int64_t weight_bytes = 0;
    inputs.clear();
    for (int id : nodes) {
      c.macs += stats.nodes[id].macs;
      weight_bytes += stats.nodes[id].weight_bytes(dtype);
      for (int in : g.node(id).inputs)
        if (kernel_of[in] != static_cast<int>(k) && std::find(inputs.begin(), inputs.end(), in) == inputs.end())
          inputs.push_back(in);
      if (!read_outside[id]) continue;
      c.bytes += tensor_bytes(id);
      if (c.fallback && (reader_procs[id] & ~(1u << proc))) transfer += transfer_s(tensor_bytes(id));
    }
    for (int in : inputs) {
      c.bytes += tensor_bytes(in);
      if (c.fallback && proc_of[in] != proc) transfer += transfer_s(tensor_bytes(in));
    }
    // Weights on their own port are read in parallel with the activations (Vela's per-memory
    // access cycles); otherwise they share the one bandwidth.
    double memory_s = p.weights_bandwidth_bytes_per_s > 0
                                ? std::max(static_cast<double>(c.bytes) / p.bandwidth_bytes_per_s,
                                           static_cast<double>(weight_bytes) / p.weights_bandwidth_bytes_per_s)
                                : static_cast<double>(c.bytes + weight_bytes) / p.bandwidth_bytes_per_s;
    c.bytes += weight_bytes;
    if (p.weights_cache_bytes > 0) {  // the part of this kernel's weights past the cache is fetched again
      const int64_t cached = std::clamp<int64_t>(p.weights_cache_bytes - weights_seen[proc], 0, weight_bytes);
      memory_s += static_cast<double>(weight_bytes - cached) / p.streamed_weights_bytes_per_s;
    }
    weights_seen[proc] += weight_bytes;

    c.compute_ms = compute_s * 1e3;
    c.memory_ms = memory_s * 1e3;
    c.transfer_ms = transfer * 1e3;
    const double overhead_ms = p.op_overhead_s * 1e3;
    c.ms = std::max(c.compute_ms, c.memory_ms) + overhead_ms + c.transfer_ms;
    // The largest term names the bound; ties go to the earlier of compute, memory, overhead.
    const double terms[] = {c.compute_ms, c.memory_ms, overhead_ms, c.transfer_ms};
    const Bound bounds[] = {Bound::Compute, Bound::Memory, Bound::Overhead, Bound::Transfer};
    c.bound = bounds[std::max_element(std::begin(terms), std::end(terms)) - std::begin(terms)];
    out.total_ms += c.ms;
    out.kernels.push_back(std::move(c));
  }
  out.total_ms += device_.processors[device_.primary].invoke_overhead_s * 1e3;
  return out;
}

}  // namespace hwnas::cost
