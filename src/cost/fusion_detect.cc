#include "hwnas/cost/fusion_detect.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/op_traits.h"
#include "hwnas/measure/statistics.h"

namespace hwnas::cost {
namespace {

using ir::OpKind;

// Adds `op` reading `inputs` with the attributes a test needs.
int add_op(ir::Graph& g, OpKind op, std::vector<int> inputs, int channels) {
  ir::Attrs a;
  switch (op) {
    case OpKind::Conv2D:  // 1x1: the cheapest conv, so the consumer's share is largest
    case OpKind::FullyConnected:
      a.out_channels = channels;
      break;
    case OpKind::DepthwiseConv2D:
      a.kernel_h = a.kernel_w = 3;
      a.padding = ir::Padding::Same;
      break;
    case OpKind::Add:
      inputs.push_back(inputs.front());
      break;  // x + x
    default:
      break;
  }
  return g.add(op, std::move(inputs), a, std::string(ir::op_name(op)));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return measure::quantile_sorted(v, 0.5);
}

ir::Shape input_shape(OpKind producer) {
  return producer == OpKind::FullyConnected ? ir::Shape{1, 1024} : ir::Shape{1, 56, 56, 32};
}

}  // namespace

std::vector<std::pair<OpKind, OpKind>> fusion_candidates() {
  std::vector<std::pair<OpKind, OpKind>> out;
  for (OpKind p : {OpKind::Conv2D, OpKind::DepthwiseConv2D, OpKind::FullyConnected, OpKind::Add})
    for (const ir::OpTraits& c : ir::all_traits())
      if (c.activation) out.emplace_back(p, c.op);
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

double fusion_saving(double producer_ms, double consumer_ms, double pair_ms) {
  return consumer_ms > 0 ? (producer_ms + consumer_ms - pair_ms) / consumer_ms : 0.0;
}

FusionDetection detect_fusion(const FusionDetectOptions& o) {
  return detect_fusion(o,
                       [&](const ir::Graph& g) { return measure::measure_model(g, o.measure).timing.summary.median; });
}

FusionDetection detect_fusion(const FusionDetectOptions& o, const std::function<double(const ir::Graph&)>& time_ms) {
  if (!(o.share > 0 && o.share < 1)) fail("fusion detection", "share must be in (0, 1), got {}", o.share);
  if (o.rounds < 1) fail("fusion detection", "rounds must be at least 1, got {}", o.rounds);
  FusionDetection d;
  for (const auto& [producer, consumer] : fusion_candidates()) {
    const PairGraphs graphs = pair_graphs(producer, consumer);
    const ir::Graph* order[] = {&graphs.producer, &graphs.consumer, &graphs.pair};
    std::vector<double> producer_ms, consumer_ms, pair_ms, savings;
    for (int r = 0; r < o.rounds; ++r) {
      std::map<const ir::Graph*, double> ms;
      for (int i = 0; i < 3; ++i) {  // rotate which graph goes first
        const ir::Graph* g = order[(r + i) % 3];
        ms[g] = time_ms(*g);
      }
      producer_ms.push_back(ms[&graphs.producer]);
      consumer_ms.push_back(ms[&graphs.consumer]);
      pair_ms.push_back(ms[&graphs.pair]);
      savings.push_back(fusion_saving(producer_ms.back(), consumer_ms.back(), pair_ms.back()));
    }
    FusionTest t;
    t.producer = std::string(ir::op_name(producer));
    t.consumer = std::string(ir::op_name(consumer));
    t.producer_ms = median(producer_ms);
    t.consumer_ms = median(consumer_ms);  // on the producer's output shape
    t.pair_ms = median(pair_ms);
    const double saving = median(savings);
    t.fused = saving > o.share;
    if (t.fused) d.rules.add(producer, consumer);
    if (o.progress)
      o.progress(
          fmt::format("fusion {}+{}: {:.4g} + {:.4g} ms alone, {:.4g} ms together (medians of {}), saves {:.0f}% of "
                      "the {}: {}",
                      t.producer, t.consumer, t.producer_ms, t.consumer_ms, t.pair_ms, o.rounds, 100 * saving,
                      t.consumer, t.fused ? "fused" : "not fused"));
    d.tests.push_back(std::move(t));
  }
  return d;
}

}  // namespace hwnas::cost
