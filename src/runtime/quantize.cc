#include "hwnas/runtime/quantize.h"

#include <algorithm>
#include <cmath>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/runtime/reference_kernels.h"

namespace hwnas::runtime {

QParams activation_qparams(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  QParams q;
  q.scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  q.zero_point = static_cast<int32_t>(std::clamp<long>(std::lround(-128.0 - lo / q.scale), -128, 127));
  return q;
}

namespace {

std::vector<int8_t> quantize_with(const std::vector<float>& w, int channels, bool channel_last,
                                  const std::vector<float>& scales) {
  const size_t per = w.size() / static_cast<size_t>(channels);
  std::vector<int8_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    const size_t c = channel_last ? i % static_cast<size_t>(channels) : i / per;
    q[i] = static_cast<int8_t>(std::clamp<long>(std::lround(w[i] / scales[c]), -127, 127));
  }
  return q;
}

constexpr double kInt32Max = 2147483647.0;

}  // namespace

std::vector<int8_t> quantize_weights(const std::vector<float>& w, int channels, bool channel_last,
                                     std::vector<float>& scales) {
  const size_t per = w.size() / static_cast<size_t>(channels);
  scales.assign(channels, 0.0f);
  for (size_t i = 0; i < w.size(); ++i) {
    const size_t c = channel_last ? i % static_cast<size_t>(channels) : i / per;
    scales[c] = std::max(scales[c], std::fabs(w[i]));
  }
  for (float& s : scales) s = s > 0 ? s / 127.0f : 1.0f;
  return quantize_with(w, channels, channel_last, scales);
}

std::vector<int8_t> quantize_weights(const std::vector<float>& w, int channels, bool channel_last,
                                     const std::vector<float>& bias, float input_scale, std::vector<float>& scales) {
  std::vector<int8_t> q = quantize_weights(w, channels, channel_last, scales);
  bool widened = false;
  for (size_t c = 0; c < scales.size(); ++c) {
    double half_range = 0;  // of the biases this scale serves: one channel's, or all of a per-tensor layer's
    for (size_t k = 0; k < bias.size(); ++k)
      if (scales.size() == 1 || k == c) half_range = std::max(half_range, std::fabs(double{bias[k]}));
    if (half_range / kInt32Max >= 0.5 * double{input_scale} * double{scales[c]}) {
      scales[c] = static_cast<float>(2 * half_range / (kInt32Max * double{input_scale}));
      widened = true;
    }
  }
  return widened ? quantize_with(w, channels, channel_last, scales) : q;
}

std::vector<int32_t> quantize_bias(const std::vector<float>& bias, float input_scale,
                                   const std::vector<float>& weight_scales) {
  std::vector<int32_t> q(bias.size());
  for (size_t c = 0; c < bias.size(); ++c) {
    const double s = double{input_scale} * weight_scales[weight_scales.size() == 1 ? 0 : c];
    q[c] = static_cast<int32_t>(std::clamp(std::round(bias[c] / s), -kInt32Max, kInt32Max));
  }
  return q;
}

std::vector<Tensor> calibration_inputs(const ir::Graph& g, uint64_t seed) {
  Rng rng(seed);
  std::vector<Tensor> in;
  for (int id : g.inputs()) {
    in.emplace_back(g.node(id).shape);
    for (float& v : in.back().data) v = static_cast<float>(2 * rng.uniform() - 1);
  }
  return in;
}

std::vector<std::pair<float, float>> calibrate_ranges(const ir::Graph& g, const InferenceParams& params,
                                                      const std::vector<Tensor>& inputs) {
  const auto in_ids = g.inputs();
  if (inputs.size() != in_ids.size())
    fail("calibration", "the graph takes {} input(s), got {}", in_ids.size(), inputs.size());
  std::vector<std::vector<float>> values(g.size());
  std::vector<int> real(g.size());
  std::vector<std::pair<float, float>> ranges(g.size());
  std::vector<const float*> in;
  for (int id = 0; id < g.size(); ++id) {
    real[id] = params.nodes[id].alias_of >= 0 ? real[params.nodes[id].alias_of] : id;
    if (real[id] != id) continue;
    const ir::Node& n = g.node(id);
    if (n.op == ir::OpKind::Input) {
      values[id] = inputs[std::find(in_ids.begin(), in_ids.end(), id) - in_ids.begin()].data;
    } else {
      values[id].resize(static_cast<size_t>(n.shape.numel()));
      in.clear();
      for (int x : n.inputs) in.push_back(values[real[x]].data());
      reference_node(g, id, params.nodes[id], in, values[id].data());
    }
    const auto [lo, hi] = std::minmax_element(values[id].begin(), values[id].end());
    ranges[id] = {*lo, *hi};
  }
  for (int id = 0; id < g.size(); ++id) ranges[id] = ranges[real[id]];
  return ranges;
}

}  // namespace hwnas::runtime
