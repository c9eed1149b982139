// find_support()'s range limits (max_kernel ... resize_scales), each at its limit and one past,
// with the reason naming the limit and the entry's rule.
#include "hwnas/hw/op_support.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::hw {
namespace {

using ir::DType;

constexpr const char* kLimits = R"(name: limits
processors:
  npu:
    clock_mhz: 100
    per_cycle: {conv: 1, depthwise: 1, fc: 1, elementwise: 1, pool: 1, data: 1}
    bandwidth_gb_s: 1
    active_power_mw: 1
    ops:
      - op: conv2d
        max_kernel_height: 5
        max_kernel_area: 20
        max_input_channels: 16
        input_height: [4, 32]
        input_width: [4, 64]
        max_dim: 100
        rule: Test CONV_2D
      - op: avg_pool
        max_kernel: 3
        square_kernels: true
      - op: global_avg_pool
        max_kernel_area: 64
      - op: resize
        resize_scales: [2, 4]
)";

// The reason find_support() gives for the last node of g ("" when accepted).
std::string why(const ir::Graph& g) {
  const Device d = parse_device(kLimits, "limits.yaml");
  std::string reason;
  const OpSupport* s = find_support(d.processors[0], g, g.size() - 1, DType::i8, &reason);
  EXPECT_EQ(s == nullptr, !reason.empty());
  return reason;
}

ir::Graph conv(ir::Shape in, int kernel_h, int kernel_w, int dilation = 1) {
  ir::GraphBuilder b("g");
  const int x = b.input(in);
  ir::ConvOptions o;
  o.kernel_w = kernel_w;
  o.dilation = dilation;
  return b.finish({b.conv(x, 8, kernel_h, 1, o, "c")});
}

TEST(FindSupport, DilatedKernelHeightAndArea) {
  EXPECT_EQ(why(conv({1, 16, 16, 8}, 5, 4)), "");  // height 5 (at the limit), 20 elements (at the limit)
  EXPECT_EQ(why(conv({1, 16, 16, 8}, 6, 1)), "kernel height 6 over 5 (must be in [1, 5]) (Test CONV_2D)");
  EXPECT_EQ(why(conv({1, 16, 16, 8}, 3, 7)),
            "kernel 3x7 has 21 elements, over 20 (width x height must be in [1, 20]) (Test CONV_2D)");
  // Dilation 2 makes a 3x3 span 5x5: height 5 passes, 25 elements do not.
  EXPECT_EQ(why(conv({1, 16, 16, 8}, 3, 1, 2)), "");  // 5x1
  EXPECT_EQ(why(conv({1, 16, 16, 8}, 3, 3, 2)),
            "dilated kernel 5 has 25 elements, over 20 (width x height must be in [1, 20]) (Test CONV_2D)");
}

TEST(FindSupport, InputShapeLimits) {
  EXPECT_EQ(why(conv({1, 4, 4, 16}, 1, 1)), "");    // H and W at their lower bounds, 16 channels
  EXPECT_EQ(why(conv({1, 32, 64, 16}, 1, 1)), "");  // at the upper bounds
  EXPECT_EQ(why(conv({1, 16, 16, 17}, 1, 1)), "17 input channels over the limit of 16 (Test CONV_2D)");
  EXPECT_EQ(why(conv({1, 3, 16, 8}, 1, 1)), "input height 3 not in [4, 32] (Test CONV_2D)");
  EXPECT_EQ(why(conv({1, 33, 16, 8}, 1, 1)), "input height 33 not in [4, 32] (Test CONV_2D)");
  EXPECT_EQ(why(conv({1, 16, 65, 8}, 1, 1)), "input width 65 not in [4, 64] (Test CONV_2D)");
}

TEST(FindSupport, TensorDimensionLimit) {
  // max_dim 100: an output of 8 channels from a 32 x 100 input is at the limit; 101 wide is past it.
  EXPECT_EQ(why(conv({1, 32, 64, 8}, 1, 1)), "");
  // The input width 101 breaks both max_dim and input_width; max_dim is checked first.
  EXPECT_EQ(why(conv({1, 8, 101, 8}, 1, 1)),
            "an input dimension of 101 over 100 (dimensions must be in [1, 100]) (Test CONV_2D)");
}

TEST(FindSupport, PoolKernelAndGlobalPoolWindow) {
  ir::GraphBuilder b("g");
  const int x = b.input({1, 8, 8, 4});
  EXPECT_EQ(why(b.finish({b.avg_pool(x, 3, 1)})), "");
  ir::GraphBuilder b4("g");
  EXPECT_EQ(why(b4.finish({b4.avg_pool(b4.input({1, 8, 8, 4}), 4, 1)})),
            "kernel 4 over 3 (height and width must be in [1, 3])");
  // A global pool's window is its input: 8x8 = 64 at the limit, 8x9 = 72 past it.
  ir::GraphBuilder g1("g");
  EXPECT_EQ(why(g1.finish({g1.global_avg_pool(g1.input({1, 8, 8, 4}))})), "");
  ir::GraphBuilder g2("g");
  EXPECT_EQ(why(g2.finish({g2.global_avg_pool(g2.input({1, 8, 9, 4}))})),
            "input 8x9 averages 72 elements, over 64 (height x width must be at most 64)");
}

ir::Graph resize(ir::Shape in, int out_h, int out_w, bool align_corners) {
  ir::GraphBuilder b("g");
  const int x = b.input(in);
  return b.finish({b.resize(x, out_h, out_w, ir::ResizeMode::Nearest, align_corners)});
}

TEST(FindSupport, ResizeScales) {
  EXPECT_EQ(why(resize({1, 5, 7, 4}, 10, 14, false)), "");  // 2x
  EXPECT_EQ(why(resize({1, 5, 7, 4}, 20, 28, false)), "");  // 4x
  EXPECT_EQ(why(resize({1, 5, 7, 4}, 5, 7, false)), "");    // same size
  EXPECT_EQ(why(resize({1, 1, 1, 4}, 9, 3, false)), "");    // from 1x1
  EXPECT_EQ(why(resize({1, 5, 7, 4}, 15, 21, false)),
            "resize 5x7 -> 15x21 is not a 2x/4x upscale (nor from 1x1, nor to the same size)");
  EXPECT_EQ(why(resize({1, 5, 7, 4}, 10, 28, false)),
            "resize 5x7 -> 10x28 is not a 2x/4x upscale (nor from 1x1, nor to the same size)");  // unequal scaling
  // align_corners scales H-1 and W-1: 5x7 -> 9x13 is 2x of 4x6.
  EXPECT_EQ(why(resize({1, 5, 7, 4}, 9, 13, true)), "");
  EXPECT_EQ(why(resize({1, 5, 7, 4}, 10, 14, true)),
            "resize 5x7 -> 10x14 is not a 2x/4x upscale of H-1 and W-1 (align_corners) (nor from 1x1, nor to the same "
            "size)");
}

}  // namespace
}  // namespace hwnas::hw
