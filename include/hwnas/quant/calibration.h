#pragma once
// Calibration: the fp32 range of every node's output over a set of inputs, from which
// quantize_model() picks each tensor's int8 scale and zero point. Inputs are
// runtime::Tensor vectors, one per graph input, so a CLI can feed dataset samples.
//
//   std::vector<std::vector<runtime::Tensor>> samples = ...;   // samples[i][k]: input k of sample i
//   auto ranges = quant::calibrate(graph, params, samples, {.policy = quant::RangePolicy::Percentile});
//
// Policies (each sample runs alone through the fp32 reference kernels):
//   MinMax          min and max over every sample (TFLite's converter): exact coverage, but one
//                   outlier stretches the scale for all values.
//   MovingAverage   min and max of each sample averaged with momentum (TensorFlow's QAT
//                   observers): forgets single extreme samples.
//   Percentile      per sample the `percentile` and 100 - `percentile` quantiles, averaged over
//                   samples; outliers beyond saturate. Tensors of fewer than 1024 values per
//                   sample (logits, pooled features) keep min/max: there a quantile is an outlier.
#include <utility>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/fold.h"
#include "hwnas/runtime/tensor.h"

namespace hwnas::quant {

enum class RangePolicy { MinMax, MovingAverage, Percentile };
std::string_view range_policy_name(RangePolicy p);  // "minmax", "moving_average", "percentile"
// Inverse of range_policy_name; Error listing the names otherwise.
RangePolicy range_policy_from_name(std::string_view name);

struct CalibrationOptions {
  RangePolicy policy = RangePolicy::MinMax;
  double percentile = 99.99;  // Percentile: the upper quantile kept, in percent
  double momentum = 0.9;      // MovingAverage: weight of the running value
};

// Every node's fp32 output for one sample, with the reference kernels (runtime/reference_kernels.h).
// A folded batch_norm holds a copy of its layer's output; a node no output depends on is empty.
std::vector<std::vector<float>> fp32_activations(const ir::Graph& g, const runtime::InferenceParams& params,
                                                 const std::vector<runtime::Tensor>& inputs);

// [min, max] of every node's output over `samples` (at least one). Error names the sample
// whose input count or shape is wrong.
std::vector<std::pair<float, float>> calibrate(const ir::Graph& g, const runtime::InferenceParams& params,
                                               const std::vector<std::vector<runtime::Tensor>>& samples,
                                               const CalibrationOptions& options = {});

}  // namespace hwnas::quant
