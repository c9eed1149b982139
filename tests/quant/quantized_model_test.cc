// quantize_model's choice of parameters, fusions and errors, against values worked out by hand.
#include "hwnas/quant/quantized_model.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/models/nb201.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/error_analysis.h"
#include "hwnas/runtime/weights.h"
#include "quant_testing.h"

namespace hwnas::quant {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// input [1,1,1,2] -> conv 1x1 (1 channel) -> batch_norm -> relu6 -> fc (2 units) -> add(fc, fc)
struct Net {
  ir::Graph g{"net"};
  int x, conv, bn, act, fc, add;
  Net() {
    ir::Attrs in;
    in.shape = {1, 1, 1, 2};
    x = g.add(ir::OpKind::Input, {}, in, "x");
    ir::Attrs c;
    c.out_channels = 1;
    conv = g.add(ir::OpKind::Conv2D, {x}, c, "conv");
    bn = g.add(ir::OpKind::BatchNorm, {conv}, {}, "bn");
    act = g.add(ir::OpKind::Relu6, {bn}, {}, "act");
    ir::Attrs f;
    f.out_channels = 2;
    f.bias = true;
    fc = g.add(ir::OpKind::FullyConnected, {act}, f, "fc");
    add = g.add(ir::OpKind::Add, {fc, fc}, {}, "add");
    g.set_outputs({add});
  }
};

runtime::Weights net_weights(const Net& n) {
  runtime::Weights w;
  w.nodes["conv"]["kernel"] = runtime::Tensor({1, 1, 1, 2}, {0.5f, -0.25f});
  w.nodes["bn"]["gamma"] = runtime::Tensor({1}, {1.0f});
  w.nodes["bn"]["beta"] = runtime::Tensor({1}, {0.0f});
  w.nodes["bn"]["mean"] = runtime::Tensor({1}, {0.0f});
  w.nodes["bn"]["var"] = runtime::Tensor({1}, {1.0f - n.g.node(n.bn).attrs.epsilon});  // scale exactly 1
  w.nodes["fc"]["kernel"] = runtime::Tensor({2, 1}, {1.27f, -0.635f});
  w.nodes["fc"]["bias"] = runtime::Tensor({2}, {0.1f, 0.0f});
  return w;
}

TEST(QuantizeModel, ParametersByHand) {
  Net n;
  const auto p = runtime::inference_params(n.g, net_weights(n), true);
  std::vector<std::pair<float, float>> r(n.g.size());
  r[n.x] = {0.0f, 2.55f};               // scale 0.01, zero point -128
  r[n.conv] = r[n.bn] = {-3.0f, 5.0f};  // ignored: relu6 is fused, its range decides
  r[n.act] = {0.0f, 5.1f};              // scale 0.02, zero point -128
  r[n.fc] = {-2.55f, 2.55f};            // scale 0.02, zero point round(-128 + 127.5) = 0 (half away: -0.5 -> -1)
  r[n.add] = {-5.1f, 5.1f};
  const QuantizedModel m = quantize_model(n.g, p, r);

  // batch_norm folded, relu6 fused: both are aliases of the conv, whose clamp holds relu6.
  EXPECT_EQ(m.nodes[n.bn].alias_of, n.conv);
  EXPECT_EQ(m.nodes[n.act].alias_of, n.conv);
  const QuantNode& c = m.nodes[n.conv];
  EXPECT_EQ(c.fused, FusedActivation::Relu6);
  EXPECT_EQ(c.fused_node, n.act);
  EXPECT_FLOAT_EQ(c.out.scale, 0.02f);
  EXPECT_EQ(c.out.zero_point, -128);
  // relu6 range: quantize(0) = -128, quantize(6) = -128 + 300 -> capped at 127.
  EXPECT_EQ(c.act_min, -128);
  EXPECT_EQ(c.act_max, 127);
  // Weights per channel: max |w| = 0.5 -> scale 0.5/127; q = {127, -63.5 -> -64}.
  EXPECT_THAT(c.weights, ElementsAre(127, -64));
  // Output multiplier = s_in * s_w / s_out = 0.01 * (0.5/127) / 0.02 = 0.25 / 127.
  EXPECT_EQ(c.out_multipliers[0], quantize_multiplier(0.01 * (double{0.5f / 127}) / 0.02));
  // The storage of the relu's output is the conv's.
  EXPECT_EQ(m.storage(n.act), n.conv);

  // FC per channel: unit scales 1.27/127 = 0.01 and 0.635/127 = 0.005; bias at s_in * s_w:
  // 0.1 / (0.02 * 0.01) = 500, 0.
  const QuantNode& f = m.nodes[n.fc];
  EXPECT_THAT(f.weights, ElementsAre(127, -127));
  EXPECT_THAT(f.bias, ElementsAre(500, 0));
  ASSERT_EQ(f.out_multipliers.size(), 2u);

  // Add of fc with itself: both scales s = 0.02 -> twice max 2s; input multipliers 0.5 each,
  // output 2s / (2^20 * s_out), s_out = 10.2 / 255 = 0.04 (as floats: 0.02f is not exact).
  const QuantNode& a = m.nodes[n.add];
  EXPECT_EQ(a.left_shift, 20);
  EXPECT_THAT(a.in_multipliers, ElementsAre(quantize_multiplier(0.5), quantize_multiplier(0.5)));
  EXPECT_FLOAT_EQ(a.out.scale, 0.04f);
  EXPECT_EQ(a.out_multipliers[0], quantize_multiplier(2.0 * double{f.out.scale} / ((1 << 20) * double{a.out.scale})));

  // Per-tensor FC on request: one scale, max 1.27 -> {127, -63.5 -> -64}.
  const QuantizedModel t = quantize_model(n.g, p, r, {.per_channel_fc = false});
  EXPECT_THAT(t.nodes[n.fc].weights, ElementsAre(127, -64));
  EXPECT_EQ(t.nodes[n.fc].weight_scales.size(), 1u);
  EXPECT_EQ(t.nodes[n.fc].out_multipliers.size(), 1u);
  // Without fusion the relu6 is its own op with its own parameters.
  const QuantizedModel u = quantize_model(n.g, p, r, {.fuse_activations = false});
  EXPECT_EQ(u.nodes[n.act].alias_of, -1);
  EXPECT_EQ(u.nodes[n.conv].fused, FusedActivation::None);
}

TEST(QuantizeModel, ActivationRangesByHand) {
  // relu: [quantize(0), 127]; relu6 up to quantize(6) = zp + round(6 / scale).
  EXPECT_EQ(activation_range(FusedActivation::Relu, {0.02f, -100}), std::make_pair(-100, 127));
  EXPECT_EQ(activation_range(FusedActivation::Relu6, {0.05f, -128}), std::make_pair(-128, -8));
  EXPECT_EQ(activation_range(FusedActivation::None, {0.05f, 3}), std::make_pair(-128, 127));
}

TEST(QuantizeModel, SigmoidTableByHand) {
  ir::Graph g("sig");
  ir::Attrs in;
  in.shape = {1, 4};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  const int y = g.add(ir::OpKind::Sigmoid, {x}, {}, "sig");
  g.set_outputs({y});
  const auto p = runtime::inference_params(g, runtime::init_weights(g), true);
  // Input [-12.8, 12.7]: scale 0.1, zero point 0. Output fixed at 1/256, -128 (TFLite's spec).
  const QuantizedModel m = quantize_model(g, p, {{-12.8f, 12.7f}, {0.0f, 1.0f}});
  EXPECT_EQ(m.nodes[y].out, (QParams{1.0f / 256, -128}));
  const auto& lut = m.nodes[y].lut;
  ASSERT_EQ(lut.size(), 256u);
  // Entry q + 128: sigmoid(0.1 q) * 256 rounded, - 128.
  EXPECT_EQ(lut[0 + 128], 0);      // sigmoid(0) = 0.5 -> 128 - 128
  EXPECT_EQ(lut[10 + 128], 59);    // sigmoid(1) = 0.73106 -> 187.15 -> 187 - 128
  EXPECT_EQ(lut[-10 + 128], -59);  // sigmoid(-1) = 0.26894 -> 68.85 -> 69 - 128
  EXPECT_EQ(lut[0], -128);         // sigmoid(-12.8) ~ 3e-6 -> 0 - 128
  EXPECT_EQ(lut[255], 127);        // sigmoid(12.7) ~ 1 -> 256 - 128 = 128, saturates at 127
}

TEST(QuantizeModel, QuantizeRoundsHalfAwayFromZeroAndSaturates) {
  const QParams q{0.5f, 1};
  // 0.25 / 0.5 = 0.5 -> 1, + 1 = 2;  -0.25 -> -0.5 -> -1, + 1 = 0;  1e6 -> 127;  -inf -> -128
  EXPECT_THAT(quantize_values(std::vector<float>{0.25f, -0.25f, 1e6f, -INFINITY}, q), ElementsAre(2, 0, 127, -128));
  EXPECT_THAT(dequantize_values(std::vector<int8_t>{2, 0, -128}, q), ElementsAre(0.5f, -0.5f, -64.5f));
}

TEST(QuantizeModel, SoftmaxOutputIsFixedAndOnlyOverTheLastAxis) {
  ir::Graph g("soft");
  ir::Attrs in;
  in.shape = {1, 4, 3};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  ir::Attrs last, middle;
  last.axis = -1;
  middle.axis = 1;
  const int y = g.add(ir::OpKind::Softmax, {x}, last, "head.scores");
  g.set_outputs({y, g.add(ir::OpKind::Softmax, {x}, middle, "head.softmax")});
  const auto p = runtime::inference_params(g, runtime::init_weights(g), true);
  try {
    quantize_model(g, p, std::vector<std::pair<float, float>>(g.size(), {-1.0f, 1.0f}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'head.softmax'"));
    EXPECT_THAT(e.what(), HasSubstr("not supported in int8: softmax over axis 1"));
  }
  ir::Graph last_only("soft");
  const int x1 = last_only.add(ir::OpKind::Input, {}, in, "x");
  const int y1 = last_only.add(ir::OpKind::Softmax, {x1}, last, "head.scores");
  last_only.set_outputs({y1});
  const auto p1 = runtime::inference_params(last_only, runtime::init_weights(last_only), true);
  const QuantizedModel m = quantize_model(last_only, p1, {{-1.0f, 1.0f}, {0.2f, 0.9f}});
  EXPECT_EQ(m.nodes[y1].out, (QParams{1.0f / 256, -128}));  // TFLite's spec, whatever the calibrated range
  EXPECT_EQ(y, y1);
}

TEST(QuantizeModel, UnfoldedBatchNormRunsAsDepthwise) {
  Net n;
  const auto p = runtime::inference_params(n.g, net_weights(n), /*fold=*/false);
  std::vector<std::pair<float, float>> r(n.g.size(), {-2.55f, 2.55f});
  const QuantizedModel m = quantize_model(n.g, p, r);
  // gamma 1, var 1 - eps: scale exactly 1 -> weight 127 at scale 1/127; shift 0 -> bias 0.
  EXPECT_EQ(m.nodes[n.bn].alias_of, -1);
  EXPECT_THAT(m.nodes[n.bn].weights, ElementsAre(127));
  EXPECT_THAT(m.nodes[n.bn].bias, ElementsAre(0));
  // The conv is read by the batch_norm, not by the relu6: nothing fuses into it.
  EXPECT_EQ(m.nodes[n.conv].fused, FusedActivation::None);
}

TEST(QuantizeModel, BatchNormOnAFlatTensorIsRefused) {
  ir::Graph g("flat");
  ir::Attrs in;
  in.shape = {1, 4};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  g.set_outputs({g.add(ir::OpKind::BatchNorm, {x}, {}, "norm")});
  const auto p = runtime::inference_params(g, runtime::init_weights(g), true);
  EXPECT_THAT(
      [&] {
        quantize_model(g, p, std::vector<std::pair<float, float>>(g.size(), {-1.0f, 1.0f}));
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("'norm' (batch_norm): not supported in int8")));
}

TEST(QuantizeModel, Nb201CellsWithEveryOperation) {
  // avg pool (input's params), zero, three-input add, skip: SQNR of every layer alone and
  // end to end (two cells, random weights; measured 37.7 and 38.2 dB at the output).
  for (const char* arch :
       {"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
        "|none~0|+|nor_conv_1x1~0|none~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|"}) {
    const ir::Graph g = models::nb201(models::parse_nb201(arch));
    const auto p = runtime::inference_params(g, runtime::init_weights(g, {.seed = 5, .random_bn_stats = true}), true);
    const QuantizedModel m = quantize_model(g, p, calibrate(g, p, testing::random_samples(g, 4, 10)));
    const ErrorReport r = analyze_errors(m, p, testing::random_samples(g, 2, 50));
    std::cout << arch << ": output SQNR " << r.output_sqnr_db << " dB\n";
    EXPECT_GE(r.output_sqnr_db, 33) << arch;
    for (const LayerError& e : r.layers) EXPECT_GE(e.isolated_sqnr_db, 24) << arch << " " << e.name;
  }
}

}  // namespace
}  // namespace hwnas::quant
