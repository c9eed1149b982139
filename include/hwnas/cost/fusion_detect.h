#pragma once
// Which adjacent operators a backend fuses, found by measurement as nn-Meter does: for each
// candidate pair (producer, consumer) time the producer alone, the consumer alone and the
// two together, each as its own small graph. A fused consumer costs (almost) nothing on top
// of its producer, so the pair is fused when running them together saves more than `share`
// of the consumer's own time:
//     saving = (T(producer) + T(consumer) - T(pair)) / T(consumer) > share
// The graphs take 10-60 us, so one timing of each is at the mercy of anything else the
// machine does (a false "fused" verdict was seen with a compiler running). Each pair is
// therefore timed in `rounds` interleaved rounds (producer, consumer, pair, in a rotating
// order, so drift hits all three alike) and judged on the median of the rounds' savings.
//
//   cost::FusionDetection d = cost::detect_fusion({.measure = opts});
//   d.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::Relu);   // true on xnnpack (output clamp)
//   d.tests;                                               // the timings behind each verdict
//
// The timer is a parameter, so the decision logic is tested on synthetic timings.
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "hwnas/cost/predictor_file.h"
#include "hwnas/ir/graph.h"
#include "hwnas/ir/kernels.h"
#include "hwnas/measure/measure_model.h"

namespace hwnas::cost {

// Producers conv2d, depthwise_conv2d, fully_connected, add; consumers relu, relu6,
// hardswish, hardsigmoid, sigmoid, swish.
std::vector<std::pair<ir::OpKind, ir::OpKind>> fusion_candidates();

// The three test graphs of a pair: the producer alone, the consumer alone on the producer's
// output shape, and producer -> consumer. Shapes are chosen so that the consumer's own time
// is a visible share of the pair's (56x56x32 images; 1024 features for fully_connected).
struct PairGraphs {
  ir::Graph producer, consumer, pair;
};
PairGraphs pair_graphs(ir::OpKind producer, ir::OpKind consumer);

// The share of the consumer's time saved by running the pair as one graph (1: free, 0: none).
double fusion_saving(double producer_ms, double consumer_ms, double pair_ms);

struct FusionDetectOptions {
  measure::MeasureOptions measure;  // backend, threads, timing protocol for each graph
  double share = 0.5;
  int rounds = 5;  // timings of each pair's three graphs; FusionTest holds their medians
  std::function<void(std::string_view)> progress;  // one line per pair (optional)
};

struct FusionDetection {
  ir::FusionRules rules = ir::FusionRules::batchnorm_only();
  std::vector<FusionTest> tests;
};

// With the default timer: measure::measure_model's median.
FusionDetection detect_fusion(const FusionDetectOptions& o);
FusionDetection detect_fusion(const FusionDetectOptions& o, const std::function<double(const ir::Graph&)>& time_ms);

}  // namespace hwnas::cost
