// ir::compute_stats against hand calculations on small graphs. Every expected figure is
// worked out in the comment beside it from the conventions of DESIGN.md (params as published
// tables count them; MACs of conv, depthwise and FC; weight bytes of the folded, deployable form).
#include "hwnas/ir/stats.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"

namespace hwnas::ir {
namespace {

TEST(Stats, GroupedConvCountsCinOverGroups) {
  GraphBuilder b("grouped");
  const int x = b.input({1, 8, 8, 16});
  const int y = b.conv(x, 32, 3, 1, {.groups = 4});  // pad 1: output [1,8,8,32]
  const Stats s = compute_stats(b.finish({y}));
  // kernel = 3*3 * (16/4) * 32 = 1152; MACs = 8*8 outputs per channel-set * 1152 = 73728.
  EXPECT_EQ(s.nodes[y].kernel_elems, 1152);
  EXPECT_EQ(s.nodes[y].macs, 73728);
  EXPECT_EQ(s.nodes[y].params, 1152);  // no bias
  EXPECT_EQ(s.macs, 73728);
  EXPECT_EQ(s.params, 1152);
  // Activations: input 8*8*16 = 1024, output 8*8*32 = 2048.
  EXPECT_EQ(s.activation_elems_total, 1024 + 2048);
  EXPECT_EQ(s.activation_elems_max, 2048);
}

TEST(Stats, DepthwiseConvWithStrideAndMultiplier) {
  GraphBuilder b("dw");
  const int x = b.input({1, 16, 16, 8});
  const int d = b.depthwise(x, 3, 2);  // pad 1, stride 2: [1,8,8,8]
  Attrs m;
  m.kernel_h = m.kernel_w = 5;
  m.padding = Padding::Same;
  m.multiplier = 2;
  const int d2 = b.node(OpKind::DepthwiseConv2D, {d}, m, "dw_x2");  // [1,8,8,16]
  const Stats s = compute_stats(b.finish({d2}));
  // dw: kernel = 3*3*8 = 72; MACs = 8*8 * 72 = 4608 (one 3x3 window per output element).
  EXPECT_EQ(s.nodes[d].params, 72);
  EXPECT_EQ(s.nodes[d].macs, 4608);
  // dw_x2: 16 filters of 5x5 = 400 weights; MACs = 8*8 * 400 = 25600.
  EXPECT_EQ(s.nodes[d2].params, 400);
  EXPECT_EQ(s.nodes[d2].macs, 25600);
  EXPECT_EQ(s.macs, 4608 + 25600);
  EXPECT_EQ(s.params, 72 + 400);
}

TEST(Stats, FullyConnectedAfterGlobalPoolHasBiasInParamsAndInt32BiasInInt8) {
  GraphBuilder b("head");
  const int x = b.input({1, 7, 7, 64});
  const int p = b.global_avg_pool(x);  // [1,1,1,64]
  const int y = b.fc(p, 10);           // bias by default
  const Stats s = compute_stats(b.finish({y}));
  // 64 inputs * 10 units = 640 MACs; params = 640 weights + 10 biases = 650.
  EXPECT_EQ(s.nodes[p].macs, 0);  // pooling is not a MAC in the published convention
  EXPECT_EQ(s.macs, 640);
  EXPECT_EQ(s.params, 650);
  // f32: 650 * 4 = 2600 bytes; int8: 640 * 1 + 10 * 4 (int32 bias) = 680 bytes.
  EXPECT_EQ(s.weight_bytes(DType::f32), 2600);
  EXPECT_EQ(s.weight_bytes(DType::i8), 680);
  EXPECT_EQ(s.weight_bytes(DType::f16), 1300);  // 650 * 2
}

TEST(Stats, BatchNormFoldedIntoTheConvBeforeIt) {
  GraphBuilder b("conv_bn");
  const int x = b.input({1, 4, 4, 3});
  const int c = b.conv(x, 8, 3, 1);  // no bias, as before a BN
  const int n = b.batch_norm(c);
  const Graph g = b.finish({b.relu(n)});
  const Stats s = compute_stats(g);
  // conv: 3*3*3*8 = 216 weights; BN: gamma + beta = 2*8 = 16 params (running stats excluded).
  EXPECT_EQ(s.params, 216 + 16);
  EXPECT_EQ(s.macs, 4 * 4 * 216);  // 3456; BN adds no MACs
  // Folded: the conv gains a bias of 8 and the BN disappears.
  EXPECT_EQ(fold_target(g, g.consumers(), n), c);
  EXPECT_EQ(s.nodes[n].bias_elems, 8);
  EXPECT_EQ(s.nodes[n].scale_elems, 0);
  EXPECT_EQ(s.weight_bytes(DType::f32), (216 + 8) * 4);  // 896
  EXPECT_EQ(s.weight_bytes(DType::i8), 216 + 8 * 4);     // 248
}

TEST(Stats, BatchNormAfterAConvWithBiasAddsNoSecondBias) {
  GraphBuilder b("conv_bias_bn");
  const int x = b.input({1, 4, 4, 3});
  const int c = b.conv(x, 8, 1, 1, {.bias = true});
  const Stats s = compute_stats(b.finish({b.batch_norm(c)}));
  // conv 1*1*3*8 = 24 weights + 8 bias; BN 16 params. Folding rescales the existing bias.
  EXPECT_EQ(s.params, 24 + 8 + 16);
  EXPECT_EQ(s.weight_bytes(DType::f32), (24 + 8) * 4);  // 128
  EXPECT_EQ(s.weight_bytes(DType::i8), 24 + 8 * 4);     // 56
}

TEST(Stats, BatchNormThatCannotFoldKeepsScaleAndShift) {
  GraphBuilder b("unfoldable");
  const int x = b.input({1, 4, 4, 8});
  const int c = b.conv(x, 8, 1, 1);  // 64 weights
  const int r = b.add({c, x});       // a residual: the BN reads an add, not a conv
  const int n1 = b.batch_norm(r);
  const int n2 = b.batch_norm(c);  // the conv also feeds the add: two readers, no fold
  const Graph g = b.finish({n1, n2});
  const Stats s = compute_stats(g);
  EXPECT_EQ(fold_target(g, g.consumers(), n1), -1);
  EXPECT_EQ(fold_target(g, g.consumers(), n2), -1);
  // Each BN: 16 params, and 2*8 = 16 scale/shift elements kept in the deployable form.
  EXPECT_EQ(s.params, 64 + 16 + 16);
  EXPECT_EQ(s.nodes[n1].scale_elems, 16);
  EXPECT_EQ(s.nodes[n2].scale_elems, 16);
  EXPECT_EQ(s.nodes[n1].bias_elems, 0);
  // f32: (64 + 16 + 16) * 4 = 384; int8: 64 + 32 (scale/shift in int8) = 96.
  EXPECT_EQ(s.weight_bytes(DType::f32), 384);
  EXPECT_EQ(s.weight_bytes(DType::i8), 96);
}

TEST(Stats, BatchedFullyConnectedCountsEveryRow) {
  GraphBuilder b("batched");
  const int x = b.input({4, 2, 2, 5});  // flattened to 20 features per sample
  const int y = b.fc(x, 3, /*bias=*/false);
  const Stats s = compute_stats(b.finish({y}));
  // 4 samples * 20 * 3 = 240 MACs; weights 20*3 = 60, whatever the batch.
  EXPECT_EQ(s.macs, 240);
  EXPECT_EQ(s.params, 60);
}

}  // namespace
}  // namespace hwnas::ir
