#include "hwnas/quant/error_analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/run_int8.h"

namespace hwnas::quant {
namespace {

using ir::OpKind;

struct Tally {
  double signal = 0, noise = 0, isolated_noise = 0, isolated_signal = 0;
  int64_t values = 0, clipped = 0;
  double abs_max = 0, p999_sum = 0;
  int p999_samples = 0;
  std::vector<double> channel_max;
};

// The diagnosis of one layer, from the first rule that applies (most specific first).
std::string diagnose(const QuantizedModel& m, const LayerError& e, double inherited_db) {
  const QuantNode& q = m.nodes[e.node];
  const OpKind op = m.graph.node(e.node).op;
  if (e.clipped > 1e-3)
    return fmt::format("{:.2f}% of values fall outside the calibrated range [{:.3g}, {:.3g}]: calibrate on more "
                       "samples or with minmax",
                       100 * e.clipped, e.lo, e.hi);
  if (e.outlier_ratio > 8)
    return fmt::format("range set by outliers (max |x| is {:.1f}x the 99.9th percentile): percentile calibration",
                       e.outlier_ratio);
  if (op == OpKind::FullyConnected && q.weight_scales.size() == 1 && q.out_multipliers.size() == 1 &&
      m.graph.node(e.node).shape[1] > 1)
    return "per-tensor FC weights: quantize them per channel";
  if (e.channel_spread > 20)
    return fmt::format("output channels' ranges differ up to {:.0f}x and share one scale: relu6, or equalize "
                       "channel ranges (cross-layer equalization)",
                       e.channel_spread);
  if (q.fused == FusedActivation::Relu && e.hi > 6)
    return fmt::format("relu without a 6 clamp: range [0, {:.3g}] (step {:.3g}); relu6 would bound it", e.hi,
                       q.out.scale);
  if ((op == OpKind::Conv2D || op == OpKind::DepthwiseConv2D || op == OpKind::FullyConnected) &&
      q.fused == FusedActivation::None && e.hi - e.lo > 12)
    return fmt::format("unclamped linear output over [{:.3g}, {:.3g}] (step {:.3g}): a wide range on 256 codes",
                       e.lo, e.hi, q.out.scale);
  if (!q.lut.empty()) return fmt::format("256-entry table at input step {:.3g}: coarse on a steep function",
                                         m.output_params(m.graph.node(e.node).inputs[0]).scale);
  if (std::isfinite(inherited_db) && e.sqnr_db > inherited_db - 1)
    return fmt::format("mostly error inherited from its input ({:.1f} dB)", inherited_db);
  return fmt::format("int8 rounding: step {:.3g} over [{:.3g}, {:.3g}]", q.out.scale, e.lo, e.hi);
}

}  // namespace

double sqnr_db(double signal, double noise) {
  if (noise == 0) return std::numeric_limits<double>::infinity();
  if (signal == 0) return -std::numeric_limits<double>::infinity();
  return 10 * std::log10(signal / noise);
}

ErrorReport analyze_errors(const QuantizedModel& m, const runtime::InferenceParams& params,
                           const std::vector<std::vector<runtime::Tensor>>& samples) {
  const ir::Graph& g = m.graph;
  if (samples.empty()) fail("error analysis", "no samples: give at least one input");
  const auto live = g.live();
  // The node whose fp32 output a buffer holds: a fused activation's, else its own.
  auto represented = [&](int id) { return m.nodes[id].fused_node >= 0 ? m.nodes[id].fused_node : id; };
  std::vector<Tally> t(g.size());
  std::vector<const int8_t*> in;
  std::vector<std::vector<int8_t>> in8;
  for (const auto& sample : samples) {
    const auto fp = fp32_activations(g, params, sample);
    const auto q8 = run_int8(m, quantize_inputs(m, sample));
    for (int id = 0; id < g.size(); ++id) {
      if (!live[id] || m.nodes[id].alias_of >= 0) continue;
      const ir::Node& n = g.node(id);
      const QParams p = m.nodes[id].out;
      const auto& x = fp[represented(id)];
      const auto y = dequantize_values(q8[id], p);
      // The layer alone: its int8 kernel on exactly quantized fp32 inputs.
      std::vector<float> iso;
      if (n.op == OpKind::Input) {
        iso = y;
      } else {
        in8.clear();
        in.clear();
        for (int xi : n.inputs) in8.push_back(quantize_values(fp[xi], m.output_params(xi)));
        for (const auto& v : in8) in.push_back(v.data());
        std::vector<int8_t> out(x.size());
        int8_node(m, id, in, out.data());
        iso = dequantize_values(out, p);
      }
      Tally& tt = t[id];
      const float lo = p.scale * static_cast<float>(-128 - p.zero_point), hi = p.scale * static_cast<float>(127 - p.zero_point);
      std::vector<float> mags(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        tt.signal += double{x[i]} * x[i];
        tt.noise += (double{x[i]} - y[i]) * (double{x[i]} - y[i]);
        tt.isolated_noise += (double{x[i]} - iso[i]) * (double{x[i]} - iso[i]);
        // A value beyond the grid by more than half a step is clipped, not rounded.
        tt.clipped += x[i] < lo - p.scale / 2 || x[i] > hi + p.scale / 2;
        mags[i] = std::fabs(x[i]);
        tt.abs_max = std::max(tt.abs_max, double{mags[i]});
      }
      tt.values += static_cast<int64_t>(x.size());
      if (mags.size() >= 1024) {
        const size_t k = static_cast<size_t>(0.999 * static_cast<double>(mags.size() - 1));
        std::nth_element(mags.begin(), mags.begin() + static_cast<std::ptrdiff_t>(k), mags.end());
        tt.p999_sum += mags[k];
        ++tt.p999_samples;
      }
      if ((n.op == OpKind::Conv2D || n.op == OpKind::DepthwiseConv2D) && n.shape.rank() == 4) {
        const int64_t c = n.shape.c();
        tt.channel_max.resize(static_cast<size_t>(c), 0.0);
        for (size_t i = 0; i < x.size(); ++i)
          tt.channel_max[i % c] = std::max(tt.channel_max[i % c], double{std::fabs(x[i])});
      }
    }
  }

  ErrorReport r;
  r.samples = static_cast<int>(samples.size());
  std::vector<int> row_of(g.size(), -1);
  for (int id = 0; id < g.size(); ++id) {
    if (!live[id] || m.nodes[id].alias_of >= 0) continue;
    const Tally& tt = t[id];
    const QuantNode& q = m.nodes[id];
    LayerError e;
    e.node = id;
    e.name = g.node(id).name;
    if (q.fused != FusedActivation::None) e.name += fmt::format("+{}", fused_activation_name(q.fused));
    e.op = std::string(ir::op_name(g.node(id).op));
    e.sqnr_db = sqnr_db(tt.signal, tt.noise);
    e.isolated_sqnr_db = sqnr_db(tt.signal, tt.isolated_noise);
    e.lo = q.out.scale * static_cast<float>(-128 - q.out.zero_point);
    e.hi = q.out.scale * static_cast<float>(127 - q.out.zero_point);
    e.clipped = tt.values ? static_cast<double>(tt.clipped) / static_cast<double>(tt.values) : 0;
    e.outlier_ratio = tt.p999_samples && tt.p999_sum > 0 ? tt.abs_max / (tt.p999_sum / tt.p999_samples) : 0;
    if (!tt.channel_max.empty()) {
      std::vector<double> cm = tt.channel_max;
      std::nth_element(cm.begin(), cm.begin() + static_cast<std::ptrdiff_t>(cm.size() / 2), cm.end());
      const double median = cm[cm.size() / 2];
      e.channel_spread = median > 0 ? *std::max_element(cm.begin(), cm.end()) / median : 0;
    }
    double inherited = std::numeric_limits<double>::infinity();
    for (int x : g.node(id).inputs) inherited = std::min(inherited, r.layers[row_of[m.storage(x)]].sqnr_db);
    e.reason = diagnose(m, e, inherited);
    row_of[id] = static_cast<int>(r.layers.size());
    r.layers.push_back(std::move(e));
  }
  r.ranked.resize(r.layers.size());
  for (size_t i = 0; i < r.ranked.size(); ++i) r.ranked[i] = static_cast<int>(i);
  std::stable_sort(r.ranked.begin(), r.ranked.end(), [&](int a, int b) {
    return r.layers[a].isolated_sqnr_db < r.layers[b].isolated_sqnr_db;
  });
  if (!g.outputs().empty()) r.output_sqnr_db = r.layers[row_of[m.storage(g.outputs()[0])]].sqnr_db;
  return r;
}

}  // namespace hwnas::quant
