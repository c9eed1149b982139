// Every reference kernel against small cases computed by hand (arithmetic in the comments).
#include "hwnas/runtime/reference_kernels.h"

#include <cmath>
#include <numeric>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "runtime_testing.h"
#include "testing.h"

namespace hwnas::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using testing::one_op;
using ::testing::Pointwise;

// Runs node 1 of a one-op graph on the reference kernel with explicit params.
std::vector<float> kernel(const ir::Graph& g, const NodeParams& p, const std::vector<float>& x) {
  std::vector<float> y(static_cast<size_t>(g.node(1).shape.numel()), -99.0f);
  const float* in[] = {x.data()};
  reference_node(g, 1, p, in, y.data());
  return y;
}

std::vector<float> iota(int n, float start = 1.0f) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), start);
  return v;
}

ir::Attrs window(int k, int s, ir::Padding pad, int explicit_pad = 0) {
  ir::Attrs a;
  a.kernel_h = a.kernel_w = k;
  a.stride_h = a.stride_w = s;
  a.padding = pad;
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = explicit_pad;
  return a;
}

// Input: 4x4 single channel, values 1..16 row-major:
//    1  2  3  4
//    5  6  7  8
//    9 10 11 12
//   13 14 15 16
const ir::Shape k4x4{1, 4, 4, 1};

TEST(ReferenceConv, ThreeByThreeOnesSamePaddingStride1) {
  ir::Attrs a = window(3, 1, ir::Padding::Same);
  a.out_channels = 1;
  NodeParams p;
  p.kernel.assign(9, 1.0f);
  const auto y = kernel(one_op(ir::OpKind::Conv2D, k4x4, a), p, iota(16));
  // (0,0): 1+2+5+6 = 14;  (1,1): 1+2+3+5+6+7+9+10+11 = 54;  (3,3): 11+12+15+16 = 54;
  // (0,3): 3+4+7+8 = 22
  EXPECT_EQ(y[0], 14.0f);
  EXPECT_EQ(y[5], 54.0f);
  EXPECT_EQ(y[15], 54.0f);
  EXPECT_EQ(y[3], 22.0f);
}

TEST(ReferenceConv, TensorFlowSameDiffersFromSymmetricExplicitAtStride2) {
  // SAME, stride 2: out 2x2, total pad (2-1)*2+3-4 = 1 -> top/left 0, bottom/right 1.
  // (0,0) = rows 0..2 x cols 0..2 = 54; (0,1) = rows 0..2 x cols 2..3 = 3+4+7+8+11+12 = 45;
  // (1,0) = rows 2..3 x cols 0..2 = 9+10+11+13+14+15 = 72; (1,1) = rows 2..3 x cols 2..3 = 54.
  ir::Attrs same = window(3, 2, ir::Padding::Same);
  same.out_channels = 1;
  NodeParams p;
  p.kernel.assign(9, 1.0f);
  EXPECT_THAT(kernel(one_op(ir::OpKind::Conv2D, k4x4, same), p, iota(16)), ElementsAre(54, 45, 72, 54));
  // Explicit pad 1 all round, stride 2: (0,0) = rows -1..1 x cols -1..1 = 1+2+5+6 = 14;
  // (0,1) = rows 0..1 x cols 1..3 = 2+3+4+6+7+8 = 30; (1,0) = rows 1..3 x cols 0..1 =
  // 5+6+9+10+13+14 = 57; (1,1) = rows 1..3 x cols 1..3 = 6+7+8+10+11+12+14+15+16 = 99.
  ir::Attrs expl = window(3, 2, ir::Padding::Explicit, 1);
  expl.out_channels = 1;
  EXPECT_THAT(kernel(one_op(ir::OpKind::Conv2D, k4x4, expl), p, iota(16)), ElementsAre(14, 30, 57, 99));
}

TEST(ReferenceConv, GroupedConvAndBias) {
  // groups = 2: output channel 0 sees only input channel 0, channel 1 only channel 1.
  // x = [1, 4]; kernel [[2], [3]]; bias [0.5, -1] -> [1*2 + 0.5, 4*3 - 1] = [2.5, 11].
  ir::Attrs a;
  a.out_channels = 2;
  a.groups = 2;
  a.bias = true;
  NodeParams p{.kernel = {2, 3}, .bias = {0.5f, -1.0f}};
  EXPECT_THAT(kernel(one_op(ir::OpKind::Conv2D, {1, 1, 1, 2}, a), p, {1, 4}), ElementsAre(2.5f, 11.0f));
}

TEST(ReferenceConv, DilationSkipsPixels) {
  // 3x3 ones with dilation 2, valid: one output reading rows/cols 0, 2 of a 5x5 grid... on the
  // 4x4 input the extent 5 does not fit; use explicit pad 1 (6x6 padded, out 2x2).
  // (0,0) reads rows -1,1,3 x cols -1,1,3 -> rows 1,3 x cols 1,3 = 6+8+14+16 = 44.
  ir::Attrs a = window(3, 1, ir::Padding::Explicit, 1);
  a.dilation_h = a.dilation_w = 2;
  a.out_channels = 1;
  NodeParams p;
  p.kernel.assign(9, 1.0f);
  EXPECT_EQ(kernel(one_op(ir::OpKind::Conv2D, k4x4, a), p, iota(16))[0], 44.0f);
}

TEST(ReferenceDepthwise, MultiplierOrdersOutputChannelsPerInputChannel) {
  // x = [3, 5], multiplier 2, kernel [1,1,1,4] = [1,2,3,4]:
  // out = [3*1, 3*2, 5*3, 5*4] = [3, 6, 15, 20] (output channel c reads input c / 2).
  ir::Attrs a;
  a.multiplier = 2;
  NodeParams p{.kernel = {1, 2, 3, 4}};
  EXPECT_THAT(kernel(one_op(ir::OpKind::DepthwiseConv2D, {1, 1, 1, 2}, a), p, {3, 5}), ElementsAre(3, 6, 15, 20));
}

TEST(ReferenceDepthwise, ThreeByThreePerChannel) {
  // Two channels interleaved (NHWC); channel 0 = 1..16, channel 1 = all 1; kernel ones for
  // channel 0, twos for channel 1; SAME -> centre pixel (1,1): ch0 54, ch1 9*1*2 = 18.
  ir::Attrs a = window(3, 1, ir::Padding::Same);
  std::vector<float> x;
  for (int i = 1; i <= 16; ++i) x.insert(x.end(), {static_cast<float>(i), 1.0f});
  NodeParams p;
  for (int i = 0; i < 9; ++i) p.kernel.insert(p.kernel.end(), {1.0f, 2.0f});
  const auto y = kernel(one_op(ir::OpKind::DepthwiseConv2D, {1, 4, 4, 2}, a), p, x);
  EXPECT_EQ(y[2 * 5], 54.0f);
  EXPECT_EQ(y[2 * 5 + 1], 18.0f);
  EXPECT_EQ(y[1], 8.0f);  // corner of channel 1: 4 pixels * 2
}

TEST(ReferenceFullyConnected, FlattensNhwcOrder) {
  // x [1,2,1,2] = [1,2,3,4] in NHWC order; kernel [1,4] = [1,10,100,1000] -> 4321 (+ bias 0.5).
  ir::Attrs a;
  a.out_channels = 1;
  a.bias = true;
  NodeParams p{.kernel = {1, 10, 100, 1000}, .bias = {0.5f}};
  EXPECT_THAT(kernel(one_op(ir::OpKind::FullyConnected, {1, 2, 1, 2}, a), p, {1, 2, 3, 4}), ElementsAre(4321.5f));
}

TEST(ReferencePool, AvgPoolCountIncludePadBothWays) {
  // 3x3, stride 1, pad 1 on the 4x4: corner window holds 1+2+5+6 = 14 over 4 real pixels.
  ir::Attrs a = window(3, 1, ir::Padding::Explicit, 1);
  auto y = kernel(one_op(ir::OpKind::AvgPool, k4x4, a), {}, iota(16));
  EXPECT_FLOAT_EQ(y[0], 14.0f / 4);  // count_include_pad = false: / 4
  EXPECT_FLOAT_EQ(y[5], 54.0f / 9);  // interior: always / 9
  a.count_include_pad = true;
  y = kernel(one_op(ir::OpKind::AvgPool, k4x4, a), {}, iota(16));
  EXPECT_FLOAT_EQ(y[0], 14.0f / 9);  // true: padding counts, / 9
}

TEST(ReferencePool, MaxPoolAndPaddingNeverWins) {
  // 2x2 stride 2: maxima of each quadrant = 6, 8, 14, 16.
  EXPECT_THAT(kernel(one_op(ir::OpKind::MaxPool, k4x4, window(2, 2, ir::Padding::Valid)), {}, iota(16)),
              ElementsAre(6, 8, 14, 16));
  // All-negative input with pad 1: the corner max is max(-1,-2,-5,-6) = -1, not the pad's 0.
  std::vector<float> neg = iota(16);
  for (float& v : neg) v = -v;
  EXPECT_EQ(kernel(one_op(ir::OpKind::MaxPool, k4x4, window(3, 1, ir::Padding::Explicit, 1)), {}, neg)[0], -1.0f);
}

TEST(ReferencePool, GlobalAveragePool) {
  // mean(1..16) = 136 / 16 = 8.5
  EXPECT_THAT(kernel(one_op(ir::OpKind::GlobalAvgPool, k4x4, {}), {}, iota(16)), ElementsAre(8.5f));
}

TEST(ReferenceActivation, PiecewiseAndSmooth) {
  const ir::Shape s{1, 5};
  const std::vector<float> x = {-4, -3, 0, 1, 4};
  EXPECT_THAT(kernel(one_op(ir::OpKind::Relu, s, {}), {}, x), ElementsAre(0, 0, 0, 1, 4));
  EXPECT_THAT(kernel(one_op(ir::OpKind::Relu6, s, {}), {}, {-1, 0, 3, 6, 9}), ElementsAre(0, 0, 3, 6, 6));
  // hard_sigmoid = relu6(x+3)/6: -4 -> 0, -3 -> 0, 0 -> 0.5, 1 -> 4/6, 4 -> 1
  EXPECT_THAT(kernel(one_op(ir::OpKind::HardSigmoid, s, {}), {}, x),
              Pointwise(FloatNear(1e-6f), std::vector<float>{0, 0, 0.5f, 4.0f / 6, 1}));
  // hard_swish = x * hard_sigmoid(x): 0, 0, 0, 4/6, 4
  EXPECT_THAT(kernel(one_op(ir::OpKind::HardSwish, s, {}), {}, x),
              Pointwise(FloatNear(1e-6f), std::vector<float>{0, 0, 0, 4.0f / 6, 4}));
  // sigmoid(0) = 0.5, sigmoid(1) = 1/(1+e^-1) = 0.7310586; swish(1) = 0.7310586, swish(-4) =
  // -4 / (1 + e^4) = -0.0719448
  const auto sg = kernel(one_op(ir::OpKind::Sigmoid, s, {}), {}, x);
  EXPECT_FLOAT_EQ(sg[2], 0.5f);
  EXPECT_NEAR(sg[3], 0.7310586f, 1e-6);
  const auto sw = kernel(one_op(ir::OpKind::Swish, s, {}), {}, x);
  EXPECT_NEAR(sw[3], 0.7310586f, 1e-6);
  EXPECT_NEAR(sw[0], -0.0719448f, 1e-6);
}

TEST(ReferenceBatchNorm, ScaleAndShift) {
  // gamma 2, beta 1, mean 3, var 4 -> scale 2/sqrt(4) = 1, shift 1 - 3*1 = -2: y = x - 2.
  ir::Attrs a;
  a.epsilon = 0.0f;
  const ir::Graph g = one_op(ir::OpKind::BatchNorm, {1, 1, 3, 1}, a);
  Weights w;
  w.nodes["op"] = {{"gamma", Tensor({1}, {2})},
                   {"beta", Tensor({1}, {1})},
                   {"mean", Tensor({1}, {3})},
                   {"var", Tensor({1}, {4})}};
  const auto y = testing::run_on("reference", g, w, {Tensor({1, 1, 3, 1}, {0, 2, 5})}, {.fold_batchnorm = false});
  EXPECT_THAT(y[0].data, ElementsAre(-2, 0, 3));
}

TEST(ReferenceSoftmax, KnownValuesAndAxis) {
  // softmax([1,2,3]) = e^k / (e + e^2 + e^3) = 0.0900306, 0.2447285, 0.6652409
  const auto y = kernel(one_op(ir::OpKind::Softmax, {1, 3}, {}), {}, {1, 2, 3});
  EXPECT_THAT(y, Pointwise(FloatNear(1e-6f), std::vector<float>{0.0900306f, 0.2447285f, 0.6652409f}));
  // axis 1 of [1,2,2]: normalises the pairs (x[0][0], x[1][0]) and (x[0][1], x[1][1]).
  ir::Attrs a;
  a.axis = 1;
  ir::Graph g("sm");
  ir::Attrs in;
  in.shape = {1, 2, 2};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  g.set_outputs({g.add(ir::OpKind::Softmax, {x}, a, "op")});
  // [[0, 5], [0, 5]]: each column has equal entries -> 0.5 everywhere
  EXPECT_THAT(kernel(g, {}, {0, 5, 0, 5}), ElementsAre(0.5f, 0.5f, 0.5f, 0.5f));
}

TEST(ReferenceElementwise, BroadcastingMulAndNaryAdd) {
  ir::Graph g("bc");
  ir::Attrs xa, sa;
  xa.shape = {1, 2, 2, 2};
  sa.shape = {1, 1, 1, 2};
  const int x = g.add(ir::OpKind::Input, {}, xa, "x");
  const int s = g.add(ir::OpKind::Input, {}, sa, "s");
  const int m = g.add(ir::OpKind::Mul, {x, s}, {}, "mul");
  const int a = g.add(ir::OpKind::Add, {x, m, s}, {}, "add");
  g.set_outputs({m, a});
  // x = 1..8 (channel pairs), s = [10, 100]: mul = [10,200,30,400,50,600,70,800]
  // add = x + mul + s = [1+10+10, 2+200+100, ...] = [21, 302, 43, 504, 65, 706, 87, 908]
  const auto y = testing::run_on("reference", g, {}, {Tensor({1, 2, 2, 2}, iota(8)), Tensor({1, 1, 1, 2}, {10, 100})});
  EXPECT_THAT(y[0].data, ElementsAre(10, 200, 30, 400, 50, 600, 70, 800));
  EXPECT_THAT(y[1].data, ElementsAre(21, 302, 43, 504, 65, 706, 87, 908));
}

TEST(ReferenceConcat, ChannelsInterleavePerPixel) {
  ir::Graph g("cat");
  ir::Attrs a1, a2;
  a1.shape = {1, 1, 2, 1};
  a2.shape = {1, 1, 2, 2};
  const int x = g.add(ir::OpKind::Input, {}, a1, "x");
  const int y = g.add(ir::OpKind::Input, {}, a2, "y");
  g.set_outputs({g.add(ir::OpKind::Concat, {x, y}, {}, "cat")});
  // pixel 0: [1 | 3, 4], pixel 1: [2 | 5, 6]
  const auto out =
      testing::run_on("reference", g, {}, {Tensor({1, 1, 2, 1}, {1, 2}), Tensor({1, 1, 2, 2}, {3, 4, 5, 6})});
  EXPECT_THAT(out[0].data, ElementsAre(1, 3, 4, 2, 5, 6));
}

TEST(ReferenceShape, PadReshapeFlattenZero) {
  ir::Attrs pad;
  pad.pad_top = 1;
  pad.pad_right = 1;
  pad.value = 7;
  // [5] padded to 2x2 with one row above and one column right: [7, 7, 5, 7]
  EXPECT_THAT(kernel(one_op(ir::OpKind::Pad, {1, 1, 1, 1}, pad), {}, {5}), ElementsAre(7, 7, 5, 7));
  EXPECT_THAT(kernel(one_op(ir::OpKind::Flatten, {1, 2, 1, 2}, {}), {}, {1, 2, 3, 4}), ElementsAre(1, 2, 3, 4));
  ir::Attrs r;
  r.shape = {1, -1};
  EXPECT_THAT(kernel(one_op(ir::OpKind::Reshape, {1, 2, 1, 2}, r), {}, {1, 2, 3, 4}), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(kernel(one_op(ir::OpKind::Zero, {1, 3}, {}), {}, {1, NAN, 3}), ElementsAre(0, 0, 0));
}

ir::Attrs resize(ir::ResizeMode mode, bool align) {
  ir::Attrs a;
  a.out_h = a.out_w = 4;
  a.mode = mode;
  a.align_corners = align;
  return a;
}

TEST(ReferenceResize, BilinearAlignCornersBothWays) {
  // Input [[0, 1], [2, 3]] -> 4x4.
  const ir::Shape s{1, 2, 2, 1};
  const std::vector<float> x = {0, 1, 2, 3};
  // align_corners: src = dst * 1/3 -> row 0 = 0, 1/3, 2/3, 1; (1,1) = 1/3 + 2*(1/3) = 1; (3,3) = 3
  auto y = kernel(one_op(ir::OpKind::Resize, s, resize(ir::ResizeMode::Bilinear, true)), {}, x);
  EXPECT_THAT(std::vector<float>(y.begin(), y.begin() + 4),
              Pointwise(FloatNear(1e-6f), std::vector<float>{0, 1.0f / 3, 2.0f / 3, 1}));
  EXPECT_NEAR(y[5], 1.0f, 1e-6);
  EXPECT_NEAR(y[15], 3.0f, 1e-6);
  // half-pixel: src = (dst + 0.5) * 2/4 - 0.5 = -0.25 (-> 0), 0.25, 0.75, 1.25 (-> clamps to 1):
  // row 0 = 0, 0.25, 0.75, 1 (PyTorch's F.interpolate(align_corners=False) gives the same);
  // (1,1): h = w = 0.25 -> 0.25 + 2 * 0.25 = 0.75
  y = kernel(one_op(ir::OpKind::Resize, s, resize(ir::ResizeMode::Bilinear, false)), {}, x);
  EXPECT_THAT(std::vector<float>(y.begin(), y.begin() + 4),
              Pointwise(FloatNear(1e-6f), std::vector<float>{0, 0.25f, 0.75f, 1}));
  EXPECT_NEAR(y[5], 0.75f, 1e-6);
}

TEST(ReferenceResize, NearestAlignCornersBothWays) {
  const ir::Shape s{1, 2, 2, 1};
  const std::vector<float> x = {0, 1, 2, 3};
  // false: src = floor(dst * 2/4) = 0, 0, 1, 1 -> row 0 = 0 0 1 1, row 2 = 2 2 3 3
  auto y = kernel(one_op(ir::OpKind::Resize, s, resize(ir::ResizeMode::Nearest, false)), {}, x);
  EXPECT_THAT(std::vector<float>(y.begin(), y.begin() + 4), ElementsAre(0, 0, 1, 1));
  EXPECT_THAT(std::vector<float>(y.begin() + 8, y.begin() + 12), ElementsAre(2, 2, 3, 3));
  // true: src = round(dst/3) = 0, 0 (0.33), 1 (0.67), 1 -> same pattern here; check 2 -> 3 wide:
  ir::Attrs a = resize(ir::ResizeMode::Nearest, true);
  a.out_h = 1;
  a.out_w = 3;  // src = round(dst * 1/2) = 0, 1 (0.5 rounds up), 1
  EXPECT_THAT(kernel(one_op(ir::OpKind::Resize, s, a), {}, x), ElementsAre(0, 1, 1));
  a.align_corners = false;  // src = floor(dst * 2/3) = 0, 0, 1
  EXPECT_THAT(kernel(one_op(ir::OpKind::Resize, s, a), {}, x), ElementsAre(0, 0, 1));
}

TEST(ReferenceKernels, RejectsWrongInputCountAndInputNodes) {
  const ir::Graph g = one_op(ir::OpKind::Relu, {1, 2}, {});
  std::vector<float> y(2);
  EXPECT_HWNAS_ERROR(reference_node(g, 1, {}, {}, y.data()), "got 0 input buffers");
  EXPECT_HWNAS_ERROR(reference_node(g, 0, {}, {}, y.data()), "no kernel");
}

}  // namespace
}  // namespace hwnas::runtime
