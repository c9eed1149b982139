#include "hwnas/space/blocks.h"

#include <gtest/gtest.h>

#include "hwnas/ir/stats.h"

namespace hwnas::space {
namespace {

int count_ops(const ir::Graph& g, ir::OpKind op) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node.op == op;
  return n;
}

ir::Graph one_block(ir::Shape in, const MbConvBlock& o) {
  ir::GraphBuilder b("t");
  int x = b.input(in);
  return b.finish({mbconv_block(b, x, o)});
}

TEST(MbConvBlock, ResidualBlockMatchesHandCount) {
  // 24 -> 24, k3, expand 3 at 56x56: mid = 72.
  // params: expand 24*72 = 1728 + BN 144; dw 72*9 = 648 + BN 144; project 72*24 = 1728 + BN 48
  //         = 4440.  MACs: (1728 + 648 + 1728) * 56*56 = 4104 * 3136 = 12,870,144.
  const ir::Graph g = one_block({1, 56, 56, 24}, {.out_channels = 24, .kernel = 3, .stride = 1, .expand = 3});
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 4440);
  EXPECT_EQ(s.macs, 12'870'144);
  EXPECT_EQ(count_ops(g, ir::OpKind::Add), 1);
  EXPECT_EQ(count_ops(g, ir::OpKind::Relu), 2);
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 56, 56, 24}));
}

TEST(MbConvBlock, SqueezeExciteMatchesHandCount) {
  // As above plus SE on 72 channels: reduce to make_divisible(72/4 = 18) = 24.
  // SE params: 72*24 + 24 + 24*72 + 72 = 3552 -> 7992. SE MACs at 1x1: 1728 + 1728 = 3456.
  const ir::Graph g =
      one_block({1, 56, 56, 24},
                {.out_channels = 24, .kernel = 3, .stride = 1, .expand = 3, .se = true, .act = ir::OpKind::HardSwish});
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 7992);
  EXPECT_EQ(s.macs, 12'870'144 + 3456);
  EXPECT_EQ(count_ops(g, ir::OpKind::Mul), 1);
  EXPECT_EQ(count_ops(g, ir::OpKind::HardSigmoid), 1);
  EXPECT_EQ(count_ops(g, ir::OpKind::HardSwish), 2);
  EXPECT_EQ(count_ops(g, ir::OpKind::Relu), 1);  // inside the SE
}

TEST(MbConvBlock, StridedBlockHasNoShortcut) {
  // 16 -> 24, k5, expand 4, stride 2 at 56x56: mid 64, output 28x28.
  // params: 16*64 + 128 + 64*25 + 128 + 64*24 + 48 = 4464.
  // MACs: 1024*3136 + 1600*784 + 1536*784 = 3,211,264 + 1,254,400 + 1,204,224 = 5,669,888.
  const ir::Graph g = one_block({1, 56, 56, 16}, {.out_channels = 24, .kernel = 5, .stride = 2, .expand = 4});
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 4464);
  EXPECT_EQ(s.macs, 5'669'888);
  EXPECT_EQ(count_ops(g, ir::OpKind::Add), 0);
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 28, 28, 24}));
}

TEST(MbConvBlock, ExpandOneSkipsTheExpansion) {
  // OFA's first block: 16 -> 16, k3, no expansion: dw 144 + 32, project 256 + 32 = 464.
  const ir::Graph g = one_block({1, 112, 112, 16}, {.out_channels = 16, .kernel = 3, .stride = 1, .expand = 1});
  EXPECT_EQ(ir::compute_stats(g).params, 464);
  EXPECT_EQ(count_ops(g, ir::OpKind::Conv2D), 1);
}

TEST(DsConvBlock, MatchesHandCount) {
  // 64 -> 64, k3 at 25x5: params 576 + 128 + 4096 + 128 = 4928; MACs (576 + 4096) * 125 = 584,000.
  ir::GraphBuilder b("t");
  int x = b.input({1, 25, 5, 64});
  const ir::Graph g = b.finish({dsconv_block(b, x, 64, 3, 1, ir::OpKind::Relu, /*residual=*/false)});
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 4928);
  EXPECT_EQ(s.macs, 584'000);
  EXPECT_EQ(count_ops(g, ir::OpKind::Add), 0);
}

TEST(ConvBnAct, NonSquareKernelAndStride) {
  // DS-CNN's first layer: 10x4 conv, stride 2x2, on 49x10x1, pads (4, 1):
  // out = ((49 + 8 - 10)/2 + 1, (10 + 2 - 4)/2 + 1) = (24, 5); params 10*4*64 + 128 = 2688;
  // MACs 40 * 64 * 24 * 5 = 307,200.
  ir::GraphBuilder b("t");
  int x = b.input({1, 49, 10, 1});
  const ir::Graph g = b.finish({conv_bn_act(b, x, 64, 10, 4, 2, 2, ir::OpKind::Relu)});
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 24, 5, 64}));
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 2688);
  EXPECT_EQ(s.macs, 307'200);
}

}  // namespace
}  // namespace hwnas::space
