// Layout mapping NHWC -> NCHW, checked on hand-worked index arithmetic.
#include "hwnas/interop/nchw.h"

#include <numeric>

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "runtime/runtime_testing.h"
#include "testing.h"

namespace hwnas::interop {
namespace {

TEST(Nchw, ShapesAndAxes) {
  EXPECT_EQ(to_nchw({1, 56, 48, 24}), (ir::Shape{1, 24, 56, 48}));
  EXPECT_EQ(to_nchw({1, 1000}), (ir::Shape{1, 1000}));  // features keep their layout
  EXPECT_EQ(dims_of({1, 24, 56}), (std::vector<int64_t>{1, 24, 56}));
  EXPECT_EQ(nchw_axis(-1, 4), 1);  // C
  EXPECT_EQ(nchw_axis(3, 4), 1);
  EXPECT_EQ(nchw_axis(1, 4), 2);  // H
  EXPECT_EQ(nchw_axis(2, 4), 3);  // W
  EXPECT_EQ(nchw_axis(0, 4), 0);
  EXPECT_EQ(nchw_axis(-1, 3), 2);  // SSD's [N, boxes, 4]: unchanged
  EXPECT_HWNAS_ERROR(nchw_axis(4, 4), "out of range for rank 4");
}

TEST(Nchw, FlattenOrderDiffersOnlyWithSpaceAndChannels) {
  EXPECT_TRUE(flatten_order_differs({1, 7, 7, 32}));
  EXPECT_FALSE(flatten_order_differs({1, 1, 1, 32}));  // after global pooling
  EXPECT_FALSE(flatten_order_differs({1, 7, 7, 1}));
  EXPECT_FALSE(flatten_order_differs({1, 10}));
}

ir::Graph conv_graph(ir::OpKind op, int channels, const ir::Attrs& a) {
  ir::Graph g("k");
  ir::Attrs in;
  in.shape = {1, 4, 4, channels};
  g.set_outputs({g.add(op, {g.add(ir::OpKind::Input, {}, in, "x")}, a, "conv")});
  return g;
}

TEST(Nchw, ConvKernelToOihw) {
  // Cout 2, kernel 1x2, Cin 3; kernel[co][0][x][ci] = ((co*1 + 0)*2 + x)*3 + ci = its index.
  // OIHW [2,3,1,2]: element (co, ci, 0, x) holds index co*6 + x*3 + ci:
  //   co 0: ci 0 -> {0, 3}, ci 1 -> {1, 4}, ci 2 -> {2, 5};  co 1: the same plus 6.
  ir::Attrs a;
  a.out_channels = 2;
  a.kernel_w = 2;
  const ir::Graph g = conv_graph(ir::OpKind::Conv2D, 3, a);
  std::vector<float> k(12);
  std::iota(k.begin(), k.end(), 0.0f);
  EXPECT_EQ(oihw_shape(g, 1), (ir::Shape{2, 3, 1, 2}));
  EXPECT_EQ(oihw_kernel(g, 1, k), (std::vector<float>{0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11}));
  EXPECT_EQ(conv_groups(g, 1), 1);
}

TEST(Nchw, DepthwiseKernelToOihw) {
  // C 2, multiplier 2 (Cout 4), kernel 1x2: kernel[0][0][x][co] = x*4 + co.
  // OIHW [4,1,1,2]: element (co, 0, 0, x) = x*4 + co -> {0,4, 1,5, 2,6, 3,7}; groups = C = 2.
  ir::Attrs a;
  a.kernel_w = 2;
  a.multiplier = 2;
  const ir::Graph g = conv_graph(ir::OpKind::DepthwiseConv2D, 2, a);
  std::vector<float> k(8);
  std::iota(k.begin(), k.end(), 0.0f);
  EXPECT_EQ(oihw_shape(g, 1), (ir::Shape{4, 1, 1, 2}));
  EXPECT_EQ(oihw_kernel(g, 1, k), (std::vector<float>{0, 4, 1, 5, 2, 6, 3, 7}));
  EXPECT_EQ(conv_groups(g, 1), 2);
  EXPECT_HWNAS_ERROR(oihw_kernel(g, 1, std::vector<float>(7)), "kernel has 7 values, expected 8");
}

TEST(Nchw, FullyConnectedColumnsFollowNchwFlatten) {
  // Input [1, H=2, W=1, C=2]: NHWC columns (h0c0, h0c1, h1c0, h1c1) = 10, 11, 12, 13;
  // NCHW flattening visits (c0h0, c0h1, c1h0, c1h1) -> 10, 12, 11, 13.
  EXPECT_EQ(nchw_fc_kernel({1, 2, 1, 2}, std::vector<float>{10, 11, 12, 13}, 1), (std::vector<float>{10, 12, 11, 13}));
  EXPECT_EQ(nchw_fc_kernel({1, 1, 1, 4}, std::vector<float>{10, 11, 12, 13}, 1), (std::vector<float>{10, 11, 12, 13}));
}

TEST(Nchw, FullyConnectedGivesTheSameDotProducts) {
  // sum_k x_nhwc[k] * w[u][k] == sum_k x_nchw[k] * w'[u][k] for every unit u.
  const ir::Shape s{1, 3, 5, 4};
  const runtime::Tensor x = runtime::testing::random_tensor(s, 1);
  const runtime::Tensor w = runtime::testing::random_tensor({2, s.numel()}, 2);
  std::vector<float> x_nchw(x.data.size());
  copy_nhwc_to_nchw(s, x.data.data(), x_nchw.data());
  const std::vector<float> w2 = nchw_fc_kernel(s, w.data, 2);
  for (int u = 0; u < 2; ++u) {
    double a = 0, b = 0;
    for (int64_t k = 0; k < s.numel(); ++k) {
      a += x.data[k] * w.data[u * s.numel() + k];
      b += x_nchw[k] * w2[u * s.numel() + k];
    }
    EXPECT_NEAR(a, b, 1e-5) << "unit " << u;
  }
}

TEST(Nchw, CopiesBetweenLayouts) {
  // [1, H=2, W=3, C=4]: (h1, w0, c2) is NHWC element (1*3 + 0)*4 + 2 = 14 and NCHW element
  // (2*2 + 1)*3 + 0 = 15.
  const ir::Shape s{1, 2, 3, 4};
  std::vector<float> nhwc(24), nchw(24), back(24);
  std::iota(nhwc.begin(), nhwc.end(), 0.0f);
  copy_nhwc_to_nchw(s, nhwc.data(), nchw.data());
  EXPECT_EQ(nchw[15], 14.0f);
  copy_nchw_to_nhwc(s, nchw.data(), back.data());
  EXPECT_EQ(back, nhwc);
}

}  // namespace
}  // namespace hwnas::interop
