#include "hwnas/ir/rewrite.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"

namespace hwnas::ir {
namespace {

// x -> conv 3x3 (8) -> hardswish -> [squeeze-excite: gap -> conv 1x1 (2) -> relu -> conv 1x1 (8)
// -> hardsigmoid] -> mul -> conv 1x1 (4): a MobileNetV3 block in miniature.
struct Block {
  Graph g;
  int conv = 0, act = 0, gap = 0, gate = 0, mul = 0, proj = 0;
};
Block block() {
  GraphBuilder b("block");
  Block r;
  const int x = b.input({1, 8, 8, 3});
  r.conv = b.conv(x, 8, 3, 1, {}, "conv");
  r.act = b.hardswish(r.conv, "act");
  r.gap = b.global_avg_pool(r.act, "se.pool");
  const int squeeze = b.relu(b.conv(r.gap, 2, 1, 1, {.bias = true}, "se.reduce"), "se.relu");
  r.gate = b.hardsigmoid(b.conv(squeeze, 8, 1, 1, {.bias = true}, "se.expand"), "se.gate");
  r.mul = b.mul(r.act, r.gate, "se.mul");
  r.proj = b.conv(r.mul, 4, 1, 1, {}, "proj");
  r.g = b.finish({r.proj});
  return r;
}

TEST(Rewrite, NoEditsGivesTheSameGraph) {
  const Block b = block();
  EXPECT_EQ(rewrite(b.g, {}), b.g);
}

TEST(Rewrite, SwapsAnOperatorInPlace) {
  const Block b = block();
  const Graph g = rewrite(b.g, {{b.act, {.op = OpKind::Relu6}}});
  ASSERT_EQ(g.size(), b.g.size());
  EXPECT_EQ(g.node(b.act).op, OpKind::Relu6);
  EXPECT_EQ(g.node(b.act).name, "act");
}

TEST(Rewrite, BypassingTheScaleDropsTheWholeGate) {
  const Block b = block();
  const Graph g = rewrite(b.g, {{b.mul, {.bypass = 0}}});
  // input, conv, act, proj remain: the pool, both 1x1 convs, relu and hardsigmoid fed only the mul.
  ASSERT_EQ(g.size(), 4);
  EXPECT_FALSE(g.find("se.pool"));
  EXPECT_FALSE(g.find("se.gate"));
  const int proj = *g.find("proj");
  EXPECT_EQ(g.node(proj).inputs, std::vector<int>{*g.find("act")});
  EXPECT_EQ(g.outputs(), std::vector<int>{proj});
}

TEST(Rewrite, ChangedChannelsFlowIntoTheReaders) {
  const Block b = block();
  Attrs a = b.g.node(b.conv).attrs;
  a.out_channels = 16;
  // The gate's expand conv must match the block's channels for the mul: without the SE, the
  // change goes through; with it, the mul's shapes no longer agree and rewrite says so.
  EXPECT_THROW(rewrite(b.g, {{b.conv, {.attrs = a}}}), Error);
  const Graph g = rewrite(b.g, {{b.conv, {.attrs = a}}, {b.mul, {.bypass = 0}}});
  EXPECT_EQ(g.node(*g.find("act")).shape, (Shape{1, 8, 8, 16}));
  EXPECT_EQ(g.node(*g.find("proj")).shape, (Shape{1, 8, 8, 4}));
}

TEST(Rewrite, AChainOfBypassesReachesTheFirstKeptNode) {
  const Block b = block();
  const Graph g = rewrite(b.g, {{b.mul, {.bypass = 0}}, {b.act, {.bypass = 0}}});
  EXPECT_EQ(g.node(*g.find("proj")).inputs, std::vector<int>{*g.find("conv")});
}

TEST(Rewrite, BadEditsAreErrors) {
  const Block b = block();
  EXPECT_THROW(rewrite(b.g, {{99, {.op = OpKind::Relu}}}), Error);
  EXPECT_THROW(rewrite(b.g, {{b.mul, {.bypass = 2}}}), Error);  // a mul has two inputs
}

}  // namespace
}  // namespace hwnas::ir
