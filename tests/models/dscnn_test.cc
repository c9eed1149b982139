#include "hwnas/models/dscnn.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/ir/stats.h"
#include "testing.h"

namespace hwnas::models {
namespace {

using hwnas::testing::node;

bool is_conv_like(ir::OpKind op) {
  return op == ir::OpKind::Conv2D || op == ir::OpKind::DepthwiseConv2D || op == ir::OpKind::FullyConnected;
}

// MLPerf Tiny KWS (49x10x1 in, TF 'same' padding), by hand:
//   conv1 10x4/2 -> ceil(49/2) x ceil(10/2) = 25x5x64: weights 10*4*1*64 = 2,560, BN 128;
//         MACs 25*5*2,560 = 320,000
//   block (x4, 25x5x64): dw 3*3*64 = 576 (MACs 125*576 = 72,000), BN 128,
//         pw 64*64 = 4,096 (MACs 125*4,096 = 512,000), BN 128 -> 4,928 params, 584,000 MACs
//   classifier 64*12 + 12 = 780 params, 768 MACs
//   params 2,560 + 128 + 4*4,928 + 780 = 23,180;  MACs 320,000 + 4*584,000 + 768 = 2,656,768
// (The Keras model also has a bias in every conv, 576 in all, and 1,152 BN running stats:
// Keras would count 23,756 trainable / 24,908 total; DESIGN.md counts neither.)
TEST(DsCnn, MlperfMatchesTheHandCount) {
  const ir::Graph g = dscnn(dscnn_preset("mlperf"));
  EXPECT_EQ(g.name(), "dscnn-mlperf");
  const ir::Stats s = ir::compute_stats(g);
  EXPECT_EQ(s.params, 23'180);
  EXPECT_EQ(s.macs, 2'656'768);

  const ir::Node& conv1 = node(g, "conv1.conv");
  EXPECT_EQ(conv1.shape, (ir::Shape{1, 25, 5, 64}));
  EXPECT_EQ(conv1.attrs.kernel_h, 10);
  EXPECT_EQ(conv1.attrs.kernel_w, 4);
  EXPECT_EQ(conv1.attrs.padding, ir::Padding::Same);
  EXPECT_FALSE(conv1.attrs.bias);
  EXPECT_EQ(g.node(conv1.inputs[0]).shape, (ir::Shape{1, 49, 10, 1}));
  EXPECT_EQ(node(g, "block4.dw.conv").op, ir::OpKind::DepthwiseConv2D);
  EXPECT_EQ(node(g, "block4.pw.relu").shape, (ir::Shape{1, 25, 5, 64}));
  EXPECT_FALSE(g.find("block5.dw.conv"));
  EXPECT_EQ(node(g, "global_pool").shape, (ir::Shape{1, 1, 1, 64}));
  EXPECT_EQ(node(g, "classifier").shape, (ir::Shape{1, 12}));
  EXPECT_TRUE(node(g, "classifier").attrs.bias);
  // conv -> BN -> ReLU in each layer.
  EXPECT_EQ(node(g, "block2.pw.bn").inputs[0], *g.find("block2.pw.conv"));
  EXPECT_EQ(node(g, "block2.pw.relu").inputs[0], *g.find("block2.pw.bn"));
  EXPECT_EQ(node(g, "block3.dw.conv").inputs[0], *g.find("block2.pw.relu"));
}

// Hello Edge (Zhang et al. 2017, Table 7 / ML-KWS-for-MCU README) gives for DS-CNN S, M, L
// "memory" 38.6K, 189.7K, 497.6K and "ops" 5.4M, 19.8M, 56.9M. Both are derived figures of the
// deployed 8-bit network, which we rebuild here from the graph:
//   memory = weights and biases at 1 byte each with BN folded into the conv before it, plus the
//            two activation buffers of the layer with the largest input + output;
//   ops    = 2 per MAC plus 1 per output element of each conv/depthwise/FC layer (its bias add).
// By hand, S: weights 2,560 + 4*(576 + 4,096) + 768 = 22,016, biases 64*9 + 12 = 588 -> 22,604;
//   buffers 8,000 + 8,000 (a DS layer at 25x5x64) -> 38,604 = "38.6K";
//   ops 2*2,656,768 + (8,000 + 8*8,000 + 12) = 5,385,548 = "5.4M" (2*MACs alone would be 5.3M).
// M (172 ch, conv1 stride 2x1 -> 25x10, block1 stride 2 -> 13x5): weights+biases 135,032;
//   buffers 43,000 + 11,180 (block1 dw) -> 189,212 = 189.2K, NOT the published 189.7K: the gap
//   is exactly the 490-byte 49x10 input, which S and L do not include; no reading of the
//   architecture in train_commands.txt gives 189.7K, so we assert our own figure there.
//   ops 2*9,816,384 + 132,452 = 19,765,220 = "19.8M".
// L (276 ch, 5 blocks): weights+biases 410,700; buffers 69,000 + 17,940 -> 497,640 = "497.6K";
//   ops 2*28,327,812 + 248,412 = 56,904,036 = "56.9M".
struct HelloEdgeFigures {
  int64_t weights_8bit = 0;
  int64_t buffers = 0;
  int64_t ops = 0;
};

HelloEdgeFigures hello_edge_figures(const ir::Graph& g) {
  const ir::Stats s = ir::compute_stats(g);
  HelloEdgeFigures f;
  f.ops = 2 * s.macs;
  for (int i = 0; i < g.size(); ++i) {
    f.weights_8bit += s.nodes[i].kernel_elems + s.nodes[i].bias_elems;
    const ir::Node& n = g.node(i);
    if (!is_conv_like(n.op)) continue;
    f.ops += n.shape.numel();
    f.buffers = std::max(f.buffers, g.node(n.inputs[0]).shape.numel() + n.shape.numel());
  }
  return f;
}

TEST(DsCnn, HelloEdgeTableIsReproduced) {
  const auto s = hello_edge_figures(dscnn(dscnn_preset("s")));
  EXPECT_EQ(s.weights_8bit, 22'604);
  EXPECT_EQ(s.weights_8bit + s.buffers, 38'604);
  EXPECT_EQ(std::lround((s.weights_8bit + s.buffers) / 100.0), 386);  // 38.6K
  EXPECT_EQ(s.ops, 5'385'548);
  EXPECT_EQ(std::lround(s.ops / 1e5), 54);  // 5.4M

  const auto m = hello_edge_figures(dscnn(dscnn_preset("m")));
  EXPECT_EQ(m.weights_8bit, 135'032);
  EXPECT_EQ(m.weights_8bit + m.buffers, 189'212);  // published 189.7K: see above
  EXPECT_EQ(m.ops, 19'765'220);
  EXPECT_EQ(std::lround(m.ops / 1e5), 198);  // 19.8M

  const auto l = hello_edge_figures(dscnn(dscnn_preset("l")));
  EXPECT_EQ(l.weights_8bit, 410'700);
  EXPECT_EQ(std::lround((l.weights_8bit + l.buffers) / 100.0), 4976);  // 497.6K
  EXPECT_EQ(l.ops, 56'904'036);
  EXPECT_EQ(std::lround(l.ops / 1e5), 569);  // 56.9M
}

// Training-convention counts of M and L, by hand:
//   M: conv1 40*172 = 6,880 + BN 344; block 9*172 + 344 + 172*172 + 344 = 31,820 (x4);
//      FC 172*12 + 12 = 2,076 -> 136,580 params.
//      MACs: 250*6,880 = 1,720,000; block at 13x5: 65*(1,548 + 29,584) = 2,023,580 (x4);
//      FC 2,064 -> 9,816,384.
//   L: conv1 40*276 = 11,040 + 552; block 2,484 + 552 + 76,176 + 552 = 79,764 (x5);
//      FC 3,324 -> 413,736 params. MACs 2,760,000 + 5*65*(2,484 + 76,176) + 3,312 = 28,327,812.
TEST(DsCnn, HelloEdgeMediumAndLarge) {
  const ir::Graph m = dscnn(dscnn_preset("m"));
  EXPECT_EQ(m.name(), "dscnn-m");
  EXPECT_EQ(node(m, "conv1.conv").shape, (ir::Shape{1, 25, 10, 172}));
  EXPECT_EQ(node(m, "block1.dw.conv").attrs.stride_w, 2);
  EXPECT_EQ(node(m, "block1.dw.conv").shape, (ir::Shape{1, 13, 5, 172}));
  EXPECT_EQ(node(m, "block4.pw.conv").shape, (ir::Shape{1, 13, 5, 172}));
  EXPECT_FALSE(m.find("block5.dw.conv"));
  const ir::Stats ms = ir::compute_stats(m);
  EXPECT_EQ(ms.params, 136'580);
  EXPECT_EQ(ms.macs, 9'816'384);

  const ir::Graph l = dscnn(dscnn_preset("l"));
  EXPECT_EQ(node(l, "block5.pw.conv").shape, (ir::Shape{1, 13, 5, 276}));
  EXPECT_FALSE(l.find("block6.dw.conv"));
  const ir::Stats ls = ir::compute_stats(l);
  EXPECT_EQ(ls.params, 413'736);
  EXPECT_EQ(ls.macs, 28'327'812);
}

TEST(DsCnn, GraphSurvivesJsonRoundTrip) {
  const ir::Graph g = dscnn(dscnn_preset("m"));  // non-square kernel and strides, 'same' padding
  EXPECT_EQ(ir::graph_from_json(ir::to_json(g)), g);
}

TEST(DsCnn, SmallIsTheMlperfNetwork) {
  const ir::Graph s = dscnn(dscnn_preset("s")), mlperf = dscnn(dscnn_preset("mlperf"));
  EXPECT_EQ(s.name(), "dscnn-s");
  EXPECT_EQ(s.nodes(), mlperf.nodes());
}

// Custom options, as a search space decodes them: 13 MFCC coefficients, 3 blocks with a
// 5x5 depthwise and a stride. TF 'same': ceil(13/2) = 7; then ceil(25/2) x ceil(7/2) = 13x4.
TEST(DsCnn, CustomOptions) {
  DsCnnOptions o;
  o.input_w = 13;
  o.first_channels = 32;
  o.blocks = {{.channels = 48, .kernel = 5, .stride = 1}, {.channels = 64, .kernel = 3, .stride = 2}, {}};
  o.classes = 4;
  o.name = "kws-candidate";
  const ir::Graph g = dscnn(o);
  EXPECT_EQ(node(g, "conv1.conv").shape, (ir::Shape{1, 25, 7, 32}));
  EXPECT_EQ(node(g, "block1.dw.conv").attrs.kernel_h, 5);
  EXPECT_EQ(node(g, "block1.pw.conv").shape, (ir::Shape{1, 25, 7, 48}));
  EXPECT_EQ(node(g, "block2.pw.conv").shape, (ir::Shape{1, 13, 4, 64}));
  EXPECT_EQ(node(g, "classifier").shape, (ir::Shape{1, 4}));
  // Depthwise 5x5 over conv1's 32 channels at 25x7: 25*7*25*32 = 140,000 MACs.
  EXPECT_EQ(ir::compute_stats(g).nodes[*g.find("block1.dw.conv")].macs, 140'000);
}

TEST(DsCnn, UnknownPresetAndBadOptionsAreErrors) {
  EXPECT_HWNAS_ERROR(dscnn_preset("xl"), "dscnn preset 'xl': unknown size; expected one of mlperf, s, m, l");
  EXPECT_HWNAS_ERROR(dscnn_preset("S"), "dscnn preset 'S'");
  DsCnnOptions o;
  o.blocks[1].channels = 0;
  EXPECT_HWNAS_ERROR(dscnn(o), "dscnn options 'dscnn-mlperf': blocks[1].channels: must be positive, got 0");
  o = {};
  o.input_w = -10;
  EXPECT_HWNAS_ERROR(dscnn(o), "input_w: must be positive, got -10");
  o = {};
  o.first_stride_h = 0;
  EXPECT_HWNAS_ERROR(dscnn(o), "first_stride_h: must be positive");
  o = {};
  o.classes = 0;
  EXPECT_HWNAS_ERROR(dscnn(o), "classes: must be positive");
}

}  // namespace
}  // namespace hwnas::models
