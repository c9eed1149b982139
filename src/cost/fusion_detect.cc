#include "hwnas/cost/fusion_detect.h"

#include <map>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::cost {
namespace {

using ir::OpKind;

// Adds `op` reading `inputs` with the attributes a test needs.
int add_op(ir::Graph& g, OpKind op, std::vector<int> inputs, int channels) {
  ir::Attrs a;
  switch (op) {
    case OpKind::Conv2D:  // 1x1: the cheapest conv, so the consumer's share is largest
    case OpKind::FullyConnected: a.out_channels = channels; break;
    case OpKind::DepthwiseConv2D:
      a.kernel_h = a.kernel_w = 3;
      a.padding = ir::Padding::Same;
      break;
    case OpKind::Add: inputs.push_back(inputs.front()); break;  // x + x
    default: break;
  }
  return g.add(op, std::move(inputs), a, std::string(ir::op_name(op)));
}

ir::Shape input_shape(OpKind producer) {
  return producer == OpKind::FullyConnected ? ir::Shape{1, 1024} : ir::Shape{1, 56, 56, 32};
}

}  // namespace

std::vector<std::pair<OpKind, OpKind>> fusion_candidates() {
  std::vector<std::pair<OpKind, OpKind>> out;
  for (OpKind p : {OpKind::Conv2D, OpKind::DepthwiseConv2D, OpKind::FullyConnected, OpKind::Add})
    for (OpKind c : {OpKind::Relu, OpKind::Relu6, OpKind::HardSwish, OpKind::HardSigmoid, OpKind::Sigmoid, OpKind::Swish})
      out.emplace_back(p, c);
  return out;
}

PairGraphs pair_graphs(OpKind producer, OpKind consumer) {
  const ir::Shape shape = input_shape(producer);
  const int channels = static_cast<int>(shape[shape.rank() - 1]);
  // A graph of `ops` in a chain from an input of `in`, named by its ops and input shape (the
  // name keys the timing cache: a relu on 1024 features is not a relu on 56x56x32).
  auto chain = [&](const ir::Shape& in, std::vector<OpKind> ops) {
    std::vector<std::string> names;
    for (OpKind op : ops) names.emplace_back(ir::op_name(op));
    ir::Graph g(fmt::format("fusion.{}{}", fmt::join(names, "+"), in.str()));
    ir::Attrs a;
    a.shape = in;
    int x = g.add(OpKind::Input, {}, a, "input");
    for (OpKind op : ops) x = add_op(g, op, {x}, channels);
    g.set_outputs({x});
    return g;
  };
  PairGraphs out{chain(shape, {producer}), ir::Graph(), chain(shape, {producer, consumer})};
  out.consumer = chain(out.producer.node(out.producer.outputs().front()).shape, {consumer});
  return out;
}

bool is_fused(double producer_ms, double consumer_ms, double pair_ms, double share) {
  return pair_ms < producer_ms + (1.0 - share) * consumer_ms;
}

FusionDetection detect_fusion(const FusionDetectOptions& o) {
  return detect_fusion(o, [&](const ir::Graph& g) { return measure::measure_model(g, o.measure).timing.summary.median; });
}

FusionDetection detect_fusion(const FusionDetectOptions& o, const std::function<double(const ir::Graph&)>& time_ms) {
  if (!(o.share > 0 && o.share < 1)) fail("fusion detection", "share must be in (0, 1), got {}", o.share);
  FusionDetection d;
  std::map<std::string, double> timed;  // graph name -> ms: a producer or consumer alone is timed once
  auto time = [&](const ir::Graph& g) {
    const auto it = timed.find(g.name());
    return it != timed.end() ? it->second : (timed[g.name()] = time_ms(g));
  };
  for (const auto& [producer, consumer] : fusion_candidates()) {
    const PairGraphs graphs = pair_graphs(producer, consumer);
    FusionTest t;
    t.producer = std::string(ir::op_name(producer));
    t.consumer = std::string(ir::op_name(consumer));
    t.producer_ms = time(graphs.producer);
    // The consumer alone on the producer's output shape (fc: a 1024-vector, else 56x56x32).
    t.consumer_ms = time(graphs.consumer);
    t.pair_ms = time(graphs.pair);
    t.fused = is_fused(t.producer_ms, t.consumer_ms, t.pair_ms, o.share);
    if (t.fused) d.rules.add(producer, consumer);
    if (o.progress)
      o.progress(fmt::format("fusion {}+{}: {:.4g} + {:.4g} ms alone, {:.4g} ms together: {}", t.producer, t.consumer,
                             t.producer_ms, t.consumer_ms, t.pair_ms, t.fused ? "fused" : "not fused"));
    d.tests.push_back(std::move(t));
  }
  return d;
}

}  // namespace hwnas::cost
