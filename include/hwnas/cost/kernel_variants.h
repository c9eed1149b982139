#pragma once
// Kernels the predictor build measures beyond those its spaces contain. nn-Meter samples each
// kernel type over a range of configurations, not only the ones a few spaces happen to use,
// so that a model of another family (MobileNetV2 at width 0.35, EfficientNet's swish) is not
// an extrapolation:
//   activation_variants(): each standalone activation of a graph, on its shape, as every
//     activation (a space without swish still learns what swish costs next to relu);
//   scaled_kernel(): a conv / depthwise / fully-connected kernel with its input and output
//     channels scaled (width multipliers, as in the families the spaces do not cover);
//   weight_probes(): whole graphs of 1 to 48 MiB of weights, timed whole, so that the
//     whole-model correction sees how much of a model's weights the caches keep between
//     inferences (the spaces' own models are either a few MiB or 18 MiB and more).
//
//   for (const ir::Graph& v : cost::activation_variants(g, rules)) bank.add(v, rules);
//   if (auto v = cost::scaled_kernel(g, kernel, 0.5, 1.5)) bank.add(*v, rules);
#include <optional>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/ir/graph.h"
#include "hwnas/ir/kernels.h"

namespace hwnas::cost {

std::vector<ir::Graph> activation_variants(const ir::Graph& g, const ir::FusionRules& rules);

// Kernel k of g as a standalone graph with input channels x in_factor and the anchor's output
// channels x out_factor (a depthwise follows its input); channels round to a multiple of 8
// from 16 up, as width multipliers do, and never below 1. Empty for kernels that are not one
// input -> conv2d (ungrouped) / depthwise_conv2d / fully_connected -> unary ops.
std::optional<ir::Graph> scaled_kernel(const ir::Graph& g, const ir::Kernel& k, double in_factor, double out_factor);

// scaled_kernel() of every kernel that has one, each with factors drawn log-uniformly from
// [0.25, 2] (independently for input and output).
std::vector<ir::Graph> width_variants(const ir::Graph& g, const ir::FusionRules& rules, Rng& rng);

// Chains of 1x1 conv2d + relu on 7x7x512 (1 MiB of f32 weights each), 1, 2, 4, ..., 48 layers.
std::vector<ir::Graph> weight_probes();

}  // namespace hwnas::cost
