#include "hwnas/quant/calibration.h"

#include <algorithm>
#include <cmath>

#include "hwnas/core/error.h"
#include "hwnas/runtime/reference_kernels.h"

namespace hwnas::quant {
namespace {

constexpr size_t kMinValuesForPercentile = 1024;

// The value at quantile `p` (in [0, 1]) of `v`, by selection (v is reordered).
float quantile(std::vector<float>& v, double p) {
  const size_t k = static_cast<size_t>(std::llround(p * static_cast<double>(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

std::string_view range_policy_name(RangePolicy p) {
  switch (p) {
    case RangePolicy::MovingAverage:
      return "moving_average";
    case RangePolicy::Percentile:
      return "percentile";
    case RangePolicy::MinMax:
      break;
  }
  return "minmax";
}

RangePolicy range_policy_from_name(std::string_view name) {
  for (RangePolicy p : {RangePolicy::MinMax, RangePolicy::MovingAverage, RangePolicy::Percentile})
    if (range_policy_name(p) == name) return p;
  fail("calibration", "unknown range policy '{}' (expected minmax, moving_average or percentile)", name);
}

std::vector<std::vector<float>> fp32_activations(const ir::Graph& g, const runtime::InferenceParams& params,
                                                 const std::vector<runtime::Tensor>& inputs) {
  const auto in_ids = g.inputs();
  if (inputs.size() != in_ids.size())
    fail(g.name(), "the graph takes {} input(s), got {}", in_ids.size(), inputs.size());
  const auto live = g.live();
  std::vector<std::vector<float>> values(g.size());
  std::vector<const float*> in;
  auto real = [&](int id) {
    while (params.nodes[id].alias_of >= 0) id = params.nodes[id].alias_of;
    return id;
  };
  for (int id = 0; id < g.size(); ++id) {
    const ir::Node& n = g.node(id);
    if (!live[id] || real(id) != id) continue;
    if (n.op == ir::OpKind::Input) {
      const runtime::Tensor& t = inputs[std::find(in_ids.begin(), in_ids.end(), id) - in_ids.begin()];
      if (t.shape != n.shape)
        fail(g.describe(id), "input tensor has shape {}, the graph input is {}", t.shape.str(), n.shape.str());
      values[id] = t.data;
      continue;
    }
    values[id].resize(static_cast<size_t>(n.shape.numel()));
    in.clear();
    for (int x : n.inputs) in.push_back(values[real(x)].data());
    runtime::reference_node(g, id, params.nodes[id], in, values[id].data());
  }
  for (int id = 0; id < g.size(); ++id)
    if (live[id] && real(id) != id) values[id] = values[real(id)];
  return values;
}

std::vector<std::pair<float, float>> calibrate(const ir::Graph& g, const runtime::InferenceParams& params,
                                               const std::vector<std::vector<runtime::Tensor>>& samples,
                                               const CalibrationOptions& options) {
  if (samples.empty()) fail("calibration", "no calibration samples: give at least one input");
  if (options.percentile <= 50 || options.percentile > 100)
    fail("calibration", "percentile {} outside (50, 100]", options.percentile);
  if (options.momentum < 0 || options.momentum >= 1)
    fail("calibration", "momentum {} outside [0, 1)", options.momentum);
  std::vector<std::pair<float, float>> ranges(g.size(), {0.0f, 0.0f});
  std::vector<std::pair<double, double>> sums(g.size(), {0.0, 0.0});
  std::vector<float> scratch;
  for (size_t s = 0; s < samples.size(); ++s) {
    std::vector<std::vector<float>> values;
    try {
      values = fp32_activations(g, params, samples[s]);
    } catch (const Error& e) {
      throw e.within(fmt::format("calibration sample {}", s));
    }
    for (int id = 0; id < g.size(); ++id) {
      const auto& v = values[id];
      if (v.empty()) continue;
      const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
      float lo = *mn, hi = *mx;
      if (options.policy == RangePolicy::Percentile && v.size() >= kMinValuesForPercentile) {
        scratch = v;
        lo = quantile(scratch, 1.0 - options.percentile / 100.0);
        hi = quantile(scratch, options.percentile / 100.0);
      }
      auto& r = ranges[id];
      switch (options.policy) {
        case RangePolicy::MinMax:
          r = s == 0 ? std::pair{lo, hi} : std::pair{std::min(r.first, lo), std::max(r.second, hi)};
          break;
        case RangePolicy::MovingAverage: {
          const float mom = static_cast<float>(options.momentum);
          r = s == 0 ? std::pair{lo, hi} : std::pair{mom * r.first + (1 - mom) * lo, mom * r.second + (1 - mom) * hi};
          break;
        }
        case RangePolicy::Percentile:
          sums[id].first += lo;
          sums[id].second += hi;
          r = {static_cast<float>(sums[id].first / static_cast<double>(s + 1)),
               static_cast<float>(sums[id].second / static_cast<double>(s + 1))};
          break;
      }
    }
  }
  return ranges;
}

}  // namespace hwnas::quant
