#include "hwnas/cost/pre_post.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/shape.h"

namespace hwnas::cost {
namespace {

// Element operations per item; the header derives each.
constexpr double kResizeOpsPerValue = 8;
constexpr double kDecodeOpsPerAnchor = 38;
constexpr double kThresholdOpsPerScore = 2;
constexpr double kSigmoidOps = 12;
constexpr double kSortOpsPerComparison = 2;
constexpr double kIouOps = 12;
constexpr int64_t kAnchorBytes = 16;     // an f32 anchor (centre y, x, height, width)
constexpr int64_t kDecodedBytes = 16;    // an f32 box written
constexpr int64_t kCandidateBytes = 24;  // box, score, index of a survivor

const ir::Node* output_named(const ir::Graph& g, std::string_view name) {
  for (int id : g.outputs())
    if (g.node(id).name == name) return &g.node(id);
  return nullptr;
}

// The CPU: an accelerator's fallback processor, or a general-purpose primary.
int cpu_of(const hw::Device& d) {
  if (!d.processors[d.primary].ops) return d.primary;
  if (d.fallback.processor >= 0) return d.fallback.processor;
  fail(fmt::format("pre/post-processing on device '{}'", d.name),
       "a detector's resize, box decoding and NMS run on a CPU, and the primary '{}' runs only its operator set "
       "with no fallback processor; add a fallback CPU to the profile",
       d.processors[d.primary].name);
}

}  // namespace

std::optional<DetectorOutputs> detector_outputs(const ir::Graph& g) {
  const ir::Node* boxes = output_named(g, "boxes");
  const ir::Node* scores = output_named(g, "scores");
  if (!boxes || !scores || boxes->shape.rank() != 3 || scores->shape.rank() != 3) return std::nullopt;
  if (boxes->shape[2] != 4 || boxes->shape[1] != scores->shape[1] || scores->shape[2] < 2) return std::nullopt;
  return DetectorOutputs{boxes->shape[1], scores->shape[2]};
}

PrePost estimate_pre_post(const hw::Device& d, const ir::Graph& g, ir::DType dtype, const PipelineOptions& o) {
  PrePost pp;
  const auto det = detector_outputs(g);
  if (!det) return pp;
  const std::string where = fmt::format("pre/post-processing on device '{}'", d.name);
  if (o.frame_width < 1 || o.frame_height < 1 || o.frame_channels < 1 || o.nms_candidates < 1)
    fail(where, "the frame size ({}x{}x{}) and NMS candidates ({}) must be positive", o.frame_width, o.frame_height,
         o.frame_channels, o.nms_candidates);
  pp.detector = true;
  pp.processor = cpu_of(d);
  const hw::Processor& cpu = d.processors[pp.processor];
  const int64_t bytes = ir::dtype_bytes(dtype);
  const int64_t a = det->anchors, columns = det->score_columns;
  int64_t input_values = 1;
  for (int id : g.inputs())
    input_values *= g.node(id).shape.numel();

  // A roofline step on the CPU; `rate_dtype` picks the elementwise rate.
  const auto step = [&](std::string name, double ops, int64_t moved, ir::DType rate_dtype) {
    const double compute_s = ops / (cpu.clock_hz * cpu.rate(hw::OpClass::Elementwise, rate_dtype));
    const double memory_s = cpu.bandwidth_bytes_per_s > 0 ? static_cast<double>(moved) / cpu.bandwidth_bytes_per_s : 0;
    const double ms = (std::max(compute_s, memory_s) + cpu.op_overhead_s) * 1e3;
    pp.steps.push_back({std::move(name), ops, moved, ms, 0});
  };
  const int64_t frame = int64_t{o.frame_width} * o.frame_height * o.frame_channels;
  step("resize", kResizeOpsPerValue * static_cast<double>(input_values), frame + input_values * bytes, dtype);
  if (pp.processor != d.primary) {  // the input to the accelerator, the outputs back
    const int64_t moved = input_values * bytes + a * (4 + columns) * bytes;
    const double ms =
        (2 * d.fallback.transfer_overhead_s +
         (d.fallback.transfer_bytes_per_s > 0 ? static_cast<double>(moved) / d.fallback.transfer_bytes_per_s : 0)) *
        1e3;
    pp.steps.push_back({"handoff", 0, moved, ms, 0});
  }
  step("decode", kDecodeOpsPerAnchor * static_cast<double>(a), a * (4 * bytes + kAnchorBytes + kDecodedBytes),
       ir::DType::f32);
  step("threshold", kThresholdOpsPerScore * static_cast<double>(a * columns), a * columns * bytes, ir::DType::f32);
  const double n = static_cast<double>(std::min<int64_t>(a * (columns - 1), o.nms_candidates));
  step("nms", n * kSigmoidOps + kSortOpsPerComparison * n * std::log2(std::max(n, 1.0)) + kIouOps * n * (n - 1) / 2,
       static_cast<int64_t>(n) * kCandidateBytes * 2, ir::DType::f32);
  for (CpuStep& s : pp.steps) {
    const double compute_mj = cpu.active_power_mw * s.ms * 1e-3;                                // mW x ms = uJ
    const double memory_mj = static_cast<double>(s.bytes) * d.power.energy_pj_per_byte * 1e-9;  // pJ = 1e-9 mJ
    s.energy_mj = compute_mj + memory_mj;
    pp.ms += s.ms;
    pp.compute_mj += compute_mj;
    pp.memory_mj += memory_mj;
  }
  pp.energy_mj = pp.compute_mj + pp.memory_mj;
  pp.source = fmt::format(
      "estimated (CPU pre/post-processing on {}: {}x{} frame resize{}, decoding of {} boxes, thresholding of {} x {} "
      "scores, NMS of up to {} candidates; from the profile's element rates and bandwidth)",
      cpu.name, o.frame_width, o.frame_height, pp.processor != d.primary ? ", handoff to and from the accelerator" : "",
      a, a, columns, o.nms_candidates);
  return pp;
}

Energy frame_energy(const Energy& network, const PrePost& pp) {
  Energy e = network;
  e.latency_ms += pp.ms;
  e.compute_mj += pp.compute_mj;
  e.memory_mj += pp.memory_mj;
  e.energy_mj += pp.energy_mj;
  e.max_fps = e.latency_ms > 0 ? 1e3 / e.latency_ms : 0;
  return e;
}

}  // namespace hwnas::cost
