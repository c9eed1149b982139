#include "hwnas/cost/kernel_variants.h"

#include <gtest/gtest.h>

#include "hwnas/cost/kernel_features.h"
#include "hwnas/ir/builder.h"

namespace hwnas::cost {
namespace {

ir::FusionRules rules() {
  ir::FusionRules r = ir::FusionRules::batchnorm_only();
  r.add(ir::OpKind::Conv2D, ir::OpKind::Relu6);
  return r;
}

// input 28x28x24 -> conv 1x1 to 96 + bn + relu6 -> depthwise 3x3 + bn -> swish -> global pool
// -> fc 10. Kernels: conv+bn+relu6, depthwise+bn, swish, pool, fc.
ir::Graph block() {
  ir::GraphBuilder b("block");
  int x = b.input({1, 28, 28, 24});
  x = b.relu6(b.batch_norm(b.conv(x, 96, 1)));
  x = b.swish(b.batch_norm(b.depthwise(x, 3)));
  return b.finish({b.fc(b.global_avg_pool(x), 10)});
}

TEST(KernelVariants, EveryActivationOnEachStandaloneActivationShape) {
  // One standalone activation (the swish after the depthwise; relu6 fuses into the conv):
  // six variants on its 28x28x96 shape, one per activation op.
  const std::vector<ir::Graph> v = activation_variants(block(), rules());
  ASSERT_EQ(v.size(), 6u);
  for (const ir::Graph& g : v) {
    ASSERT_EQ(g.size(), 2);
    EXPECT_TRUE(ir::is_activation(g.node(1).op));
    EXPECT_EQ(g.node(1).shape, (ir::Shape{1, 28, 28, 96}));
  }
}

TEST(KernelVariants, ScaledKernelsKeepTheirOpsAndScaleChannels) {
  const ir::Graph g = block();
  const std::vector<ir::Kernel> ks = ir::split_kernels(g, rules());
  // conv+bn+relu6: 24 x 0.5 = 12 input channels (below 16: exact), 96 x 1.5 = 144 outputs.
  const auto conv = scaled_kernel(g, ks[0], 0.5, 1.5);
  ASSERT_TRUE(conv);
  ASSERT_EQ(conv->size(), 4);
  EXPECT_EQ(conv->node(0).shape, (ir::Shape{1, 28, 28, 12}));
  EXPECT_EQ(conv->node(1).op, ir::OpKind::Conv2D);
  EXPECT_EQ(conv->node(3).op, ir::OpKind::Relu6);
  EXPECT_EQ(conv->node(3).shape, (ir::Shape{1, 28, 28, 144}));
  // depthwise+bn: 96 x 0.7 = 67.2 -> 64 (multiple of 8); its outputs follow its input.
  const auto dw = scaled_kernel(g, ks[1], 0.7, 3.0);
  ASSERT_TRUE(dw);
  EXPECT_EQ(dw->node(dw->outputs().front()).shape, (ir::Shape{1, 28, 28, 64}));
  // The swish and the pool have no channels to scale; fc 96 -> 10 becomes 48 -> 5.
  EXPECT_FALSE(scaled_kernel(g, ks[2], 0.5, 0.5));
  EXPECT_FALSE(scaled_kernel(g, ks[3], 0.5, 0.5));
  const auto fc = scaled_kernel(g, ks[4], 0.5, 0.5);
  ASSERT_TRUE(fc);
  EXPECT_EQ(fc->node(fc->outputs().front()).shape, (ir::Shape{1, 5}));
}

TEST(KernelVariants, WidthVariantsAreSeededAndInRange) {
  const ir::Graph g = block();
  Rng a(3), b(3);
  const auto va = width_variants(g, rules(), a), vb = width_variants(g, rules(), b);
  ASSERT_EQ(va.size(), 3u);  // conv, depthwise, fc
  for (size_t i = 0; i < va.size(); ++i) {
    EXPECT_EQ(va[i], vb[i]);
    // Factors in [0.25, 2]: the conv's 96 outputs become 24..192.
    if (i == 0) {
      const int64_t c = va[i].node(va[i].outputs().front()).shape[3];
      EXPECT_GE(c, 24);
      EXPECT_LE(c, 192);
    }
  }
}

TEST(KernelVariants, WeightProbesSpanOneToFortyEightMiB) {
  const std::vector<ir::Graph> probes = weight_probes();
  ASSERT_EQ(probes.size(), 9u);
  // 1x1 conv 512 -> 512 without bias: 262,144 f32 weights = exactly 1 MiB per layer.
  const ir::Graph& last = probes.back();
  EXPECT_NEAR(weight_mib(last, rules(), ir::DType::f32), 48.0, 1e-9);
  EXPECT_EQ(ir::split_kernels(last, rules()).size(), 96u);  // relu is not fused by rules(): 48 + 48
  EXPECT_EQ(last.node(last.outputs().front()).shape, (ir::Shape{1, 7, 7, 512}));
}

}  // namespace
}  // namespace hwnas::cost
