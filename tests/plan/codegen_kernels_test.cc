// plan/codegen_kernels.h by hand: the scratch and constant bytes of hwnas's generated kernels
// (the exact agreement with codegen on whole models is tests/codegen/memory_prediction_test.cc).
#include "hwnas/plan/codegen_kernels.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"

namespace hwnas::plan {
namespace {

TEST(CodegenKernels, ScratchAndConstantsByHand) {
  ir::GraphBuilder b("k");
  const int x = b.input({1, 10, 10, 8});
  const int conv = b.conv(x, 16, 3, 1);    // padded: 10x10x16
  const int dw = b.depthwise(conv, 5, 1);  // 10x10x16
  const int pw = b.conv(dw, 16, 1, 1);
  const int sig = b.sigmoid(pw);
  const int fc = b.fc(b.flatten(sig), 10);
  const ir::Graph g = b.finish({fc});
  // conv: two receptive fields 3x3x8 as int16 = 4 * 72 = 288; weights 72 x 16 + 16 x (4 + 4 + 1).
  EXPECT_EQ(kernel_scratch_bytes(g, conv), 288);
  EXPECT_EQ(kernel_constant_bytes(g, conv), 72 * 16 + 16 * 9);
  // depthwise 5x5, pad 2, over 10x10: a padded channel 14x14 as int16 = 392; 25 taps, 2 pairs in
  // each of 5 rows packed as int32 (5 x 2 x 4 = 40 bytes) per channel.
  EXPECT_EQ(kernel_scratch_bytes(g, dw), 2 * 14 * 14);
  EXPECT_EQ(kernel_constant_bytes(g, dw), 16 * (25 + 9 + 40));
  EXPECT_TRUE(is_pointwise(g.node(pw), g.node(dw).shape));
  EXPECT_FALSE(is_pointwise(g.node(conv), g.node(x).shape));
  EXPECT_EQ(kernel_scratch_bytes(g, pw), 4 * 16);
  EXPECT_EQ(kernel_constant_bytes(g, sig), 256);  // the int8 table
  EXPECT_EQ(kernel_scratch_bytes(g, sig), 0);
  // FC over 10x10x16 = 1600 inputs: the row as int16 = 3200; 10 x 1600 weights + 10 x 9.
  EXPECT_EQ(kernel_scratch_bytes(g, fc), 3200);
  EXPECT_EQ(kernel_constant_bytes(g, fc), 10 * 1600 + 10 * 9);
  const TensorGraph tg = tensor_graph(g, ir::DType::i8, InPlaceRules::hwnas_codegen());
  EXPECT_EQ(generated_scratch_bytes(g, tg, 16), 3200);
  EXPECT_EQ(generated_constant_bytes(g, tg),
            72 * 16 + 16 * 9 + 16 * (25 + 9 + 40) + 16 * 16 + 16 * 9 + 256 + 10 * 1600 + 10 * 9);
}

}  // namespace
}  // namespace hwnas::plan
