#include "hwnas/runtime/quantize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "runtime_testing.h"
#include "testing.h"

namespace hwnas::runtime {
namespace {

using ::testing::ElementsAre;

TEST(Quantize, ActivationParamsByHand) {
  // [-1, 3]: scale = 4/255 = 0.015686; zero point = round(-128 - (-1)/scale) =
  // round(-128 + 63.75) = -64. Then real 0 -> q = -64 exactly, -1 -> -128, 3 -> 127.
  QParams q = activation_qparams(-1.0f, 3.0f);
  EXPECT_FLOAT_EQ(q.scale, 4.0f / 255);
  EXPECT_EQ(q.zero_point, -64);
  // [0, 6] (relu6): scale 6/255, zero point -128 (0 is the lowest code).
  q = activation_qparams(0.0f, 6.0f);
  EXPECT_FLOAT_EQ(q.scale, 6.0f / 255);
  EXPECT_EQ(q.zero_point, -128);
  // [2, 5] widens to [0, 5] so that 0 is exact (padding, ReLU).
  q = activation_qparams(2.0f, 5.0f);
  EXPECT_FLOAT_EQ(q.scale, 5.0f / 255);
  EXPECT_EQ(q.zero_point, -128);
  // A constant-zero tensor: scale 1 (any scale represents it).
  EXPECT_FLOAT_EQ(activation_qparams(0.0f, 0.0f).scale, 1.0f);
}

TEST(Quantize, PerChannelWeightsByHand) {
  // Two output channels (rows): [0.5, -1] and [2, 0.25]:
  // scales max|w|/127 = [1/127, 2/127]; q = round(w / scale) = [63.5 -> 64, -127], [127, 15.875 -> 16]
  std::vector<float> scales;
  EXPECT_THAT(quantize_weights({0.5f, -1.0f, 2.0f, 0.25f}, 2, false, scales), ElementsAre(64, -127, 127, 16));
  EXPECT_THAT(scales, ElementsAre(1.0f / 127, 2.0f / 127));
  // Channel last (depthwise [1,kh,kw,C]): the same numbers interleaved.
  EXPECT_THAT(quantize_weights({0.5f, 2.0f, -1.0f, 0.25f}, 2, true, scales), ElementsAre(64, 127, -127, 16));
  EXPECT_THAT(scales, ElementsAre(1.0f / 127, 2.0f / 127));
  // Per tensor: one scale 2/127 -> [31.75 -> 32, -63.5 -> -64, 127, 15.875 -> 16]
  EXPECT_THAT(quantize_weights({0.5f, -1.0f, 2.0f, 0.25f}, 1, false, scales), ElementsAre(32, -64, 127, 16));
  // An all-zero channel gets scale 1, not a division by zero.
  EXPECT_THAT(quantize_weights({0.0f, 0.0f}, 1, false, scales), ElementsAre(0, 0));
  EXPECT_THAT(scales, ElementsAre(1.0f));
}

TEST(Quantize, BiasUsesInputTimesWeightScale) {
  // input scale 0.5, weight scales [0.01, 0.02]: bias [1, -1] -> [1/0.005, -1/0.01] = [200, -100]
  EXPECT_THAT(quantize_bias({1.0f, -1.0f}, 0.5f, {0.01f, 0.02f}), ElementsAre(200, -100));
}

TEST(Quantize, CalibrationRecordsEveryNodesRange) {
  // x -> relu -> (folded) conv+bn: relu of U(-1,1) values lies in [0, <1].
  ir::Graph g("cal");
  ir::Attrs in;
  in.shape = {1, 4, 4, 2};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  const int r = g.add(ir::OpKind::Relu, {x}, {}, "relu");
  ir::Attrs conv;
  conv.out_channels = 2;
  const int c = g.add(ir::OpKind::Conv2D, {r}, conv, "conv");
  const int b = g.add(ir::OpKind::BatchNorm, {c}, {}, "bn");
  g.set_outputs({b});
  const Weights w = init_weights(g, {.seed = 1, .random_bn_stats = true});
  const InferenceParams p = inference_params(g, w, true);
  const auto inputs = calibration_inputs(g, 7);
  const auto ranges = calibrate_ranges(g, p, inputs);
  EXPECT_GE(ranges[x].first, -1.0f);
  EXPECT_LT(ranges[x].second, 1.0f);
  EXPECT_EQ(ranges[r].first, 0.0f);
  EXPECT_EQ(ranges[r].second, ranges[x].second);
  EXPECT_EQ(ranges[b], ranges[c]);  // bn folded into conv: one tensor
  // The folded conv's range is that of the graph's output.
  const auto out = testing::run_on("reference", g, w, inputs);
  const auto [lo, hi] = std::minmax_element(out[0].data.begin(), out[0].data.end());
  EXPECT_FLOAT_EQ(ranges[b].first, *lo);
  EXPECT_FLOAT_EQ(ranges[b].second, *hi);
  EXPECT_HWNAS_ERROR(calibrate_ranges(g, p, {}), "takes 1 input(s), got 0");
  // Same seed, same sample.
  EXPECT_EQ(calibration_inputs(g, 7)[0], inputs[0]);
}

// TFLite's case (quantization_utils_test.cc, AdjustWeightsForBiasScale): channel 0's weights are
// +-1e-7 (scale 7.9e-10) under a bias of 4 at input scale 0.05, which would need
// 4 / (0.05 x 7.9e-10) = 1.0e11 in int32; its scale widens to 2 x 4 / (0.05 x (2^31 - 1)) =
// 7.45e-8, and its bias is then half of int32. Channel 1 (weights in [-7, 1]) keeps 7 / 127.
TEST(Quantize, WeightScaleWidensSoThatTheBiasFitsInt32) {
  const std::vector<float> w = {-1e-7f, 1e-7f, -7.0f, 1.0f};  // 2 output channels of 2 weights
  const std::vector<float> bias = {4.0f, 4.0f};
  std::vector<float> plain, fitted;
  quantize_weights(w, 2, false, plain);
  const std::vector<int8_t> q = quantize_weights(w, 2, false, bias, 0.05f, fitted);
  EXPECT_FLOAT_EQ(plain[0], 1e-7f / 127);
  EXPECT_NEAR(fitted[0], 2 * 4.0 / (2147483647.0 * 0.05), 1e-15);
  EXPECT_LE(4.0 / 2147483647.0, 0.6 * 0.05 * fitted[0]);  // TFLite's test's condition
  EXPECT_FLOAT_EQ(fitted[1], 7.0f / 127);
  EXPECT_EQ(q, (std::vector<int8_t>{-1, 1, -127, 18}));  // 1e-7 / 7.45e-8 = 1.34 -> 1; 1 / (7/127) = 18.1 -> 18
  const std::vector<int32_t> b = quantize_bias(bias, 0.05f, fitted);
  EXPECT_NEAR(b[0], 1073741824, 128);  // 2^30, half of int32, to the float scale's 1e-7
  EXPECT_EQ(b[1], 1451);             // 4 / (0.05 x 7 / 127) = 1451.4
  // Without the widening the bias would not fit: it is clamped, not wrapped.
  EXPECT_EQ(quantize_bias(bias, 0.05f, plain)[0], 2147483647);
}

}  // namespace
}  // namespace hwnas::runtime
