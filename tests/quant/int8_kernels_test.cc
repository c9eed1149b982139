// The int8 kernels on cases small enough to work out by hand from TFLite's integer arithmetic
// (run_int8.h); each expectation's arithmetic is written beside it. The models are built by
// hand (not by quantize_model) so that only the kernels are under test.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/quant/run_int8.h"

namespace hwnas::quant {
namespace {

using ::testing::ElementsAre;

ir::Graph one_op(ir::OpKind op, const ir::Shape& in_shape, const ir::Attrs& attrs, int inputs = 1) {
  ir::Graph g("kernel");
  std::vector<int> xs;
  for (int k = 0; k < inputs; ++k) {
    ir::Attrs in;
    in.shape = in_shape;
    xs.push_back(g.add(ir::OpKind::Input, {}, in, "x" + std::to_string(k)));
  }
  g.set_outputs({g.add(op, xs, attrs, "op")});
  return g;
}

QuantizedModel model_of(ir::Graph g) {
  QuantizedModel m;
  m.nodes.resize(g.size());
  m.graph = std::move(g);
  return m;
}

std::vector<int8_t> run_op(const QuantizedModel& m, std::vector<std::vector<int8_t>> inputs) {
  return run_int8(m, inputs).at(m.graph.outputs()[0]);
}

TEST(Int8Kernels, ConvPerChannelByHand) {
  ir::Attrs a;
  a.kernel_h = a.kernel_w = 2;
  a.out_channels = 2;
  a.bias = true;
  QuantizedModel m = model_of(one_op(ir::OpKind::Conv2D, {1, 2, 2, 1}, a));
  m.nodes[0].out = {0.5f, 10};  // input zero point 10
  QuantNode& c = m.nodes[1];
  c.weights = {1, 2, 3, 4, /* channel 1 */ -127, 0, 127, 5};
  c.bias = {100, -50};
  c.out = {1.0f, -5};
  c.out_multipliers = {quantize_multiplier(0.25), quantize_multiplier(0.1)};
  // x - zp = {12, 8, 10, 30} - 10 = {2, -2, 0, 20}.
  // ch0: 1*2 + 2*-2 + 3*0 + 4*20 + 100 = 178; * 0.25 = 44.5 -> 45 (RDBP rounds the tie away
  //      from zero: high mul 89, 89 / 2 = 44.5 -> 45); + zp -5 = 40.
  // ch1: -127*2 + 0 + 127*0 + 5*20 - 50 = -204; * 0.1: 0.1 = 0.8 * 2^-3, high mul
  //      -204 * 0.8 = -163.2 -> -163, / 8 = -20.375 -> -20; + zp -5 = -25.
  EXPECT_THAT(run_op(m, {{12, 8, 10, 30}}), ElementsAre(40, -25));
  // A fused relu clamps at the output zero point (real 0): ch1 -25 -> -5.
  c.act_min = -5;
  EXPECT_THAT(run_op(m, {{12, 8, 10, 30}}), ElementsAre(40, -5));
}

TEST(Int8Kernels, DepthwisePaddingIsTheZeroPoint) {
  ir::Attrs a;
  a.kernel_h = 1;
  a.kernel_w = 3;
  a.padding = ir::Padding::Same;  // one pixel of padding left and right
  QuantizedModel m = model_of(one_op(ir::OpKind::DepthwiseConv2D, {1, 1, 2, 2}, a));
  m.nodes[0].out = {1.0f, 3};
  QuantNode& d = m.nodes[1];
  d.weights = {1, 2, /* kw1 */ 3, 4, /* kw2 */ 5, 6};  // [1, 1, 3, C=2]
  d.bias = {0, 0};
  d.out = {1.0f, 0};
  d.out_multipliers = {quantize_multiplier(1.0), quantize_multiplier(0.5)};
  // Pixels (x - zp): p0 = {5, 1} - 3 = {2, -2}, p1 = {3, 13} - 3 = {0, 10}; padding adds 0.
  // out p0 (taps: pad, p0, p1): c0 3*2 + 5*0 = 6;  c1 (4*-2 + 6*10) * 0.5 = 52 * 0.5 = 26
  // out p1 (taps: p0, p1, pad): c0 1*2 + 3*0 = 2;  c1 (2*-2 + 4*10) * 0.5 = 36 * 0.5 = 18
  EXPECT_THAT(run_op(m, {{5, 1, 3, 13}}), ElementsAre(6, 26, 2, 18));
}

TEST(Int8Kernels, FullyConnectedRoundsNegativeTiesTowardZeroInTheHighMul) {
  ir::Attrs a;
  a.out_channels = 2;
  a.bias = true;
  QuantizedModel m = model_of(one_op(ir::OpKind::FullyConnected, {1, 3}, a));
  m.nodes[0].out = {1.0f, -1};
  QuantNode& f = m.nodes[1];
  f.weights = {10, -20, 30, /* unit 1 */ 127, 127, 127};
  f.bias = {5, -400};
  f.out = {1.0f, 10};
  f.out_multipliers = {quantize_multiplier(0.5), quantize_multiplier(0.5)};
  f.act_max = 60;
  // x - zp = {0, 2, -1} + 1 = {1, 3, 0}.
  // u0: 10 - 60 + 0 + 5 = -45; * 0.5 = -22.5: the high mul's nudge sends a negative tie toward
  //     zero: -22; + 10 = -12.
  // u1: 127 + 381 + 0 - 400 = 108; * 0.5 = 54; + 10 = 64, clamped to act_max 60.
  EXPECT_THAT(run_op(m, {{0, 2, -1}}), ElementsAre(-12, 60));
}

TEST(Int8Kernels, AddAsTfliteByHand) {
  QuantizedModel m = model_of(one_op(ir::OpKind::Add, {1, 1, 1, 3}, {}, 2));
  m.nodes[0].out = {0.5f, 0};
  m.nodes[1].out = {0.25f, 2};
  QuantNode& a = m.nodes[2];
  a.out = {0.5f, -1};
  // twice the largest input scale = 1.0: input multipliers 0.5 and 0.25, output 1 / (2^20 * 0.5).
  a.left_shift = 20;
  a.in_multipliers = {quantize_multiplier(0.5), quantize_multiplier(0.25)};
  a.out_multipliers = {quantize_multiplier(std::ldexp(1.0, -19))};
  // e0: (10 - 0) 2^20 * 0.5 = 5 * 2^20; (6 - 2) 2^20 * 0.25 = 2^20; sum 6 * 2^20 * 2^-19 = 12;
  //     + zp -1 = 11  (real 0.5 * 12 = 6 = 5 + 1)
  // e1: -4 * 2^20 * 0.5 = -2 * 2^20; 0; sum * 2^-19 = -4; - 1 = -5  (real -2 = -2 + 0)
  // e2: 1 * 2^20 * 0.5 + 1 * 2^20 * 0.25 = 0.75 * 2^20; * 2^-19 = 1.5: the high mul is exact
  //     (393216) and the final divide by 2^18 rounds the tie away from zero: 2; - 1 = 1
  EXPECT_THAT(run_op(m, {{10, -4, 1}, {6, 2, 3}}), ElementsAre(11, -5, 1));
}

TEST(Int8Kernels, AveragePoolsRoundHalfAwayFromZero) {
  ir::Attrs a;
  a.kernel_h = a.kernel_w = 2;
  a.stride_h = a.stride_w = 2;
  QuantizedModel m = model_of(one_op(ir::OpKind::AvgPool, {1, 2, 2, 4}, a));
  m.nodes[0].out = m.nodes[1].out = {0.1f, 0};
  // Channels (four pixels each): {3,4,4,4} = 15/4 = 3.75 -> 4; {-3,-4,-4,-4} = -3.75 -> -4;
  // {1,1,0,0} = 0.5 -> 1; {-1,-1,0,0} = -0.5 -> -1. Pixel-major NHWC input:
  EXPECT_THAT(run_op(m, {{3, -3, 1, -1, 4, -4, 1, -1, 4, -4, 0, 0, 4, -4, 0, 0}}), ElementsAre(4, -4, 1, -1));

  // Global average pool (TFLite's MEAN): sum (x - zp_in), * s_in/s_out, / count rounded.
  QuantizedModel g = model_of(one_op(ir::OpKind::GlobalAvgPool, {1, 2, 2, 1}, {}));
  g.nodes[0].out = {0.2f, 2};
  g.nodes[1].out = {0.4f, 3};
  g.nodes[1].out_multipliers = {quantize_multiplier(0.5)};
  // {10, 12, 2, 1} - 2 = {8, 10, 0, -1}: 17 * 0.5 = 8.5 -> 9; 9 / 4 = 2.25 -> 2; + 3 = 5.
  EXPECT_THAT(run_op(g, {{10, 12, 2, 1}}), ElementsAre(5));
}

TEST(Int8Kernels, MaxPoolAndReluRequantize) {
  ir::Attrs a;
  a.kernel_h = a.kernel_w = 2;
  QuantizedModel m = model_of(one_op(ir::OpKind::MaxPool, {1, 2, 2, 1}, a));
  EXPECT_THAT(run_op(m, {{-7, 3, 2, -128}}), ElementsAre(3));

  QuantizedModel r = model_of(one_op(ir::OpKind::Relu6, {1, 4}, {}));
  r.nodes[0].out = {0.05f, -10};
  r.nodes[1].out = {0.1f, -128};
  r.nodes[1].out_multipliers = {quantize_multiplier(0.5)};
  r.nodes[1].act_min = -128;       // quantize(0)
  r.nodes[1].act_max = -128 + 60;  // quantize(6) = 6 / 0.1
  // (x + 10) * 0.5 - 128, clamped to [-128, -68]:
  //   -30 -> -10 -> -5 -> -133 -> -128;  0 -> 5 -> -123;  1 -> 5.5 -> 6 -> -122;  127 -> 68.5 -> 69 -> -59 -> -68
  EXPECT_THAT(run_op(r, {{-30, 0, 1, 127}}), ElementsAre(-128, -123, -122, -68));
}

TEST(Int8Kernels, SoftmaxAsTfliteByHand) {
  ir::Attrs a;
  a.axis = -1;
  QuantizedModel m = model_of(one_op(ir::OpKind::Softmax, {1, 3, 2}, a));
  m.nodes[0].out = {0.69314718f, 0};  // ln 2: one code down halves e
  m.nodes[1].out = {1.0f / 256, -128};
  // Rows of two, output = round(e_j / (sum e / 256)) - 128:
  //   [0, -1]:     e = 1, 1/2;  256 / 1.5 = 170.67 -> 171 - 128 = 43;  85.33 -> 85 - 128 = -43
  //   [3, 3]:      1/2 each -> 128 - 128 = 0
  //   [127, -128]: e = 1, 2^-255 -> 256 - 128 = 128, clamped to 127;  0 - 128 = -128
  EXPECT_THAT(run_op(m, {{0, -1, 3, 3, 127, -128}}), ElementsAre(43, -43, 0, 0, 127, -128));
}

TEST(Int8Kernels, SoftmaxWithinOneStepOfFloat) {
  // Independent reference: the float softmax of the dequantized logits, quantized to 1/256.
  ir::Attrs a;
  a.axis = 2;
  QuantizedModel m = model_of(one_op(ir::OpKind::Softmax, {1, 50, 6}, a));
  m.nodes[0].out = {0.08f, 12};
  m.nodes[1].out = {1.0f / 256, -128};
  std::vector<int8_t> x(300);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int8_t>((i * 73 + 11) % 256 - 128);
  const std::vector<int8_t> y = run_op(m, {x});
  for (int r = 0; r < 50; ++r) {
    double sum = 0;
    for (int j = 0; j < 6; ++j) sum += std::exp(0.08 * (x[r * 6 + j] - 12));
    for (int j = 0; j < 6; ++j) {
      const double p = std::exp(0.08 * (x[r * 6 + j] - 12)) / sum;
      const double expected = std::min(127.0, std::round(p * 256) - 128);
      EXPECT_NEAR(y[r * 6 + j], expected, 1.0) << "row " << r << " column " << j;
    }
  }
}

TEST(Int8Kernels, WrongInputsNameTheModel) {
  QuantizedModel m = model_of(one_op(ir::OpKind::Relu, {1, 4}, {}));
  m.nodes[1].out_multipliers = {quantize_multiplier(1.0)};
  EXPECT_THROW(run_int8(m, {}), Error);
  try {
    run_int8(m, {{1, 2, 3}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("'x0'"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("3 values"));
  }
}

}  // namespace
}  // namespace hwnas::quant
