#include "hwnas/cost/kernel_features.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

float at(const KernelFeatures& f, std::string_view name) { return f.values.at(kernel_feature_index(name)); }

// input [1,8,8,4] -> conv 3x3 stride 2 (16) + BN + ReLU6 -> global pool -> fc 10.
ir::Graph graph() {
  ir::GraphBuilder b("g");
  int x = b.input({1, 8, 8, 4});
  x = b.relu6(b.batch_norm(b.conv(x, 16, 3, 2)));
  return b.finish({b.fc(b.global_avg_pool(x), 10)});
}

TEST(KernelFeatures, ConvBatchNormRelu6ByHand) {
  ir::FusionRules rules = ir::FusionRules::batchnorm_only();
  rules.add(ir::OpKind::Conv2D, ir::OpKind::Relu6);
  const ir::Graph g = graph();
  const auto kernels = ir::split_kernels(g, rules);
  ASSERT_EQ(kernels.size(), 3u);
  const KernelFeatures f = kernel_features(g, ir::compute_stats(g), kernels[0], ir::DType::f32);
  EXPECT_EQ(f.group, "conv");
  EXPECT_EQ(at(f, "in_h"), 8);
  EXPECT_EQ(at(f, "cin"), 4);
  EXPECT_EQ(at(f, "out_h"), 4);  // stride 2, padding 1
  EXPECT_EQ(at(f, "cout"), 16);
  EXPECT_EQ(at(f, "kernel"), 3);
  EXPECT_EQ(at(f, "stride"), 2);
  EXPECT_EQ(at(f, "groups"), 1);
  // MACs: 4*4 outputs x 16 channels x 3*3*4 = 9,216.
  EXPECT_EQ(at(f, "macs"), 9216);
  // Weights: 16*3*3*4 = 576 kernel + 16 folded-BN biases = 592 elements, 2,368 bytes in f32.
  EXPECT_EQ(at(f, "weight_elems"), 592);
  EXPECT_EQ(at(f, "weight_bytes"), 2368);
  EXPECT_EQ(at(f, "bytes_in"), 8 * 8 * 4 * 4);
  EXPECT_EQ(at(f, "bytes_out"), 4 * 4 * 16 * 4);
  EXPECT_EQ(at(f, "nodes"), 3);
  EXPECT_EQ(at(f, "tail_op"), static_cast<float>(ir::OpKind::Relu6));
  EXPECT_EQ(at(f, "anchor_op"), static_cast<float>(ir::OpKind::Conv2D));
  EXPECT_DOUBLE_EQ(kernel_bytes(f.values), 1024 + 1024 + 2368);

  const KernelFeatures fc = kernel_features(g, ir::compute_stats(g), kernels[2], ir::DType::i8);
  EXPECT_EQ(fc.group, "fc");
  EXPECT_EQ(at(fc, "cin"), 16);
  EXPECT_EQ(at(fc, "cout"), 10);
  EXPECT_EQ(at(fc, "macs"), 160);
  EXPECT_EQ(at(fc, "dtype_bytes"), 1);
  EXPECT_EQ(at(fc, "bytes_in"), 16);
  EXPECT_EQ(kernel_features(g, ir::compute_stats(g), kernels[1], ir::DType::f32).group, "global_pool");
}

TEST(KernelFeatures, KeysIdentifyTheSameKernelAcrossGraphs) {
  const ir::Graph a = graph();
  ir::GraphBuilder b("other");
  int x = b.input({1, 8, 8, 4});
  x = b.relu6(b.batch_norm(b.conv(x, 16, 3, 2)));
  const ir::Graph c = b.finish({b.global_avg_pool(x)});
  const auto rules = ir::FusionRules::batchnorm_only();
  const auto ka = ir::split_kernels(a, rules), kc = ir::split_kernels(c, rules);
  EXPECT_EQ(kernel_features(a, ir::compute_stats(a), ka[0], ir::DType::f32).key,
            kernel_features(c, ir::compute_stats(c), kc[0], ir::DType::f32).key);
  EXPECT_NE(kernel_features(a, ir::compute_stats(a), ka[0], ir::DType::f32).key,
            kernel_features(a, ir::compute_stats(a), ka[0], ir::DType::i8).key);
  EXPECT_NE(kernel_features(a, ir::compute_stats(a), ka[0], ir::DType::f32).key,
            kernel_features(a, ir::compute_stats(a), ka[1], ir::DType::f32).key);
}

TEST(KernelFeatures, GroupsAndNames) {
  EXPECT_EQ(kernel_group(ir::OpKind::DepthwiseConv2D), "depthwise");
  EXPECT_EQ(kernel_group(ir::OpKind::HardSwish), "elementwise");
  EXPECT_EQ(kernel_group(ir::OpKind::MaxPool), "pool");
  EXPECT_EQ(kernel_group(ir::OpKind::Concat), "data");
  EXPECT_EQ(kernel_feature_names().size(), 20u);
  EXPECT_HWNAS_ERROR(kernel_feature_index("flops"), "no feature 'flops'");
}

}  // namespace
}  // namespace hwnas::cost
