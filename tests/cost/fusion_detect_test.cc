#include "hwnas/cost/fusion_detect.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::cost {
namespace {

TEST(FusionDetect, DecisionRule) {
  // Producer 10 ms, consumer 2 ms. With share 0.5 a pair is fused below 10 + 1 = 11 ms.
  EXPECT_TRUE(is_fused(10, 2, 10.2, 0.5));   // the consumer nearly free: fused
  EXPECT_FALSE(is_fused(10, 2, 11.9, 0.5));  // about the sum: separate kernels
  EXPECT_FALSE(is_fused(10, 2, 11.0, 0.5));  // exactly at the threshold: not fused
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
      detect_fusion({.share = 0.5, .progress = [&](std::string_view l) { lines.emplace_back(l); }}, timer);
  EXPECT_EQ(d.tests.size(), fusion_candidates().size());
  EXPECT_TRUE(d.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::Relu));
  EXPECT_TRUE(d.rules.fuses(ir::OpKind::Add, ir::OpKind::Relu6));
  EXPECT_FALSE(d.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::HardSwish));
  EXPECT_EQ(d.rules.pairs.size(), 8u);  // 4 producers x {relu, relu6}
  // Producers and consumers alone are timed once per shape: 4 producers, 6 consumers on
  // images and 6 on vectors (fc), 24 pairs.
  EXPECT_EQ(calls, 4 + 12 + 24);
  EXPECT_EQ(lines.size(), 24u);
  EXPECT_NE(lines[0].find("fusion conv2d+relu"), std::string::npos);
  EXPECT_HWNAS_ERROR(detect_fusion({.share = 1.5}, timer), "share must be in (0, 1)");
}

}  // namespace
}  // namespace hwnas::cost
