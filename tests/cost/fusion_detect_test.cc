#include "hwnas/cost/fusion_detect.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::cost {
namespace {

TEST(FusionDetect, Saving) {
  // Producer 10 ms, consumer 2 ms: together in 10.2 ms saves 1.8 of the consumer's 2 ms.
  EXPECT_DOUBLE_EQ(fusion_saving(10, 2, 10.2), 0.9);     // the consumer nearly free: fused
  EXPECT_NEAR(fusion_saving(10, 2, 11.9), 0.05, 1e-12);  // about the sum: separate kernels
  EXPECT_DOUBLE_EQ(fusion_saving(10, 2, 11.0), 0.5);     // exactly at a share of 0.5: not fused (needs more)
  EXPECT_DOUBLE_EQ(fusion_saving(10, 0, 10.0), 0.0);     // a consumer below timer resolution saves nothing
}

TEST(FusionDetect, PairGraphsShareShapes) {
  const PairGraphs g = pair_graphs(ir::OpKind::DepthwiseConv2D, ir::OpKind::HardSwish);
  EXPECT_EQ(g.producer.size(), 2);  // input + depthwise
  EXPECT_EQ(g.pair.size(), 3);
  const ir::Shape out = g.producer.node(g.producer.outputs()[0]).shape;
  EXPECT_EQ(g.consumer.node(g.consumer.inputs()[0]).shape, out);
  EXPECT_EQ(g.pair.node(g.pair.outputs()[0]).shape, out);
  const PairGraphs fc = pair_graphs(ir::OpKind::FullyConnected, ir::OpKind::Relu);
  EXPECT_EQ(fc.consumer.node(fc.consumer.outputs()[0]).shape, (ir::Shape{1, 1024}));
  EXPECT_NE(fc.consumer.name(), pair_graphs(ir::OpKind::Conv2D, ir::OpKind::Relu).consumer.name());
}

TEST(FusionDetect, SyntheticTimerFusesClampsOnly) {
  // A backend that folds relu/relu6 into any producer's output (a clamp) and runs the rest
  // as kernels of their own: each graph costs 1 ms per producer, 0.4 ms per consumer node
  // unless it is a clamp after a producer.
  int calls = 0;
  auto timer = [&](const ir::Graph& g) {
    ++calls;
    double ms = 0;
    for (const ir::Node& n : g.nodes()) {
      if (n.op == ir::OpKind::Input) continue;
      const bool clamp = n.op == ir::OpKind::Relu || n.op == ir::OpKind::Relu6;
      const bool after_producer = !n.inputs.empty() && g.node(n.inputs[0]).op != ir::OpKind::Input;
      ms += ir::is_activation(n.op) ? (clamp && after_producer ? 0.01 : 0.4) : 1.0;
    }
    return ms;
  };
  std::vector<std::string> lines;
  const FusionDetection d =
      detect_fusion({.share = 0.5, .rounds = 3, .progress = [&](std::string_view l) { lines.emplace_back(l); }}, timer);
  EXPECT_EQ(d.tests.size(), fusion_candidates().size());
  EXPECT_TRUE(d.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::Relu));
  EXPECT_TRUE(d.rules.fuses(ir::OpKind::Add, ir::OpKind::Relu6));
  EXPECT_FALSE(d.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::HardSwish));
  EXPECT_EQ(d.rules.pairs.size(), 8u);  // 4 producers x {relu, relu6}
  // Every pair's three graphs in each of 3 rounds.
  EXPECT_EQ(calls, 24 * 3 * 3);
  EXPECT_EQ(lines.size(), 24u);
  EXPECT_NE(lines[0].find("fusion conv2d+relu"), std::string::npos);
  EXPECT_HWNAS_ERROR(detect_fusion({.share = 1.5}, timer), "share must be in (0, 1)");
  EXPECT_HWNAS_ERROR(detect_fusion({.rounds = 0}, timer), "rounds must be at least 1");
}

TEST(FusionDetect, MedianOfRoundsOutvotesOneDisturbedRound) {
  // A backend that fuses nothing: conv2d + relu (the first pair) takes 1 + 0.4 ms together. In one round of three the machine
  // is busy while the producer alone and the consumer alone are timed (both x3), so that
  // round alone would call the pair fused (3 + 1.2 > 1.4 + 0.5 x 1.2). The median of the
  // rounds' savings does not.
  int call = 0;
  auto timer = [&](const ir::Graph& g) {
    const bool disturbed = call++ / 3 == 1 && g.size() == 2;  // round 2 of the first pair, single-op graphs
    double ms = 0;
    for (const ir::Node& n : g.nodes())
      if (n.op != ir::OpKind::Input) ms += ir::is_activation(n.op) ? 0.4 : 1.0;
    return disturbed ? 3 * ms : ms;
  };
  const FusionDetection d = detect_fusion({.share = 0.5, .rounds = 3}, timer);
  EXPECT_FALSE(d.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::Relu));
  EXPECT_DOUBLE_EQ(d.tests[0].producer_ms, 1.0);  // medians of {1, 3, 1}
  EXPECT_DOUBLE_EQ(d.tests[0].consumer_ms, 0.4);
  const FusionDetection once = detect_fusion({.share = 0.5, .rounds = 1}, [&](const ir::Graph& g) {
    call = 3;  // every call disturbed, as round 2 above
    return timer(g);
  });
  EXPECT_TRUE(once.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::Relu));  // one round alone is fooled
}

}  // namespace
}  // namespace hwnas::cost
