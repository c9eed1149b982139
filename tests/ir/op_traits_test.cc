// The operator table (ir/op_traits.h) against hand-written expectations, one test per column,
// and the lists the scattered switches used to spell out (which must not change).
#include "hwnas/ir/op_traits.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace hwnas::ir {
namespace {

// The operators whose `column` is true, by name.
template <typename F>
std::set<std::string> ops_where(F&& column) {
  std::set<std::string> out;
  for (const OpTraits& t : all_traits())
    if (column(t)) out.emplace(t.name);
  return out;
}

// A new OpKind does not compile without its row (static_assert in op_traits.cc); here: the
// rows are the enum, in order, and the old entry points read them.
TEST(OpTraits, OneRowPerOpKindInOrder) {
  ASSERT_EQ(static_cast<int>(all_traits().size()), kNumOpKinds);
  for (int i = 0; i < kNumOpKinds; ++i) {
    const auto op = static_cast<OpKind>(i);
    EXPECT_EQ(traits(op).op, op) << i;
    EXPECT_EQ(op_name(op), traits(op).name);
    EXPECT_EQ(op_from_name(op_name(op)), op);
    EXPECT_EQ(attr_fields(op), traits(op).attr_fields);
    EXPECT_EQ(has_weights(op), traits(op).weights);
    EXPECT_EQ(is_activation(op), traits(op).activation);
  }
  EXPECT_EQ(op_name(OpKind::DepthwiseConv2D), "depthwise_conv2d");
  EXPECT_EQ(op_name(OpKind::Zero), "zero");
  EXPECT_EQ(all_op_names().size(), static_cast<size_t>(kNumOpKinds));
}

TEST(OpTraits, AttrFields) {
  EXPECT_EQ(attr_fields(OpKind::Conv2D), kKernel | kStride | kDilation | kPadding | kOutChannels | kGroups | kBias);
  EXPECT_EQ(attr_fields(OpKind::DepthwiseConv2D), kKernel | kStride | kDilation | kPadding | kMultiplier | kBias);
  EXPECT_EQ(attr_fields(OpKind::FullyConnected), kOutChannels | kBias);
  EXPECT_EQ(attr_fields(OpKind::AvgPool), kKernel | kStride | kPadding | kCountIncludePad);
  EXPECT_EQ(attr_fields(OpKind::Pad), kPads | kValue);
  EXPECT_EQ(attr_fields(OpKind::Softmax), kAxis);
  EXPECT_EQ(attr_fields(OpKind::Relu6), 0u);
}

TEST(OpTraits, Inputs) {
  EXPECT_EQ(traits(OpKind::Input).max_inputs, 0);
  EXPECT_EQ(traits(OpKind::Add).min_inputs, 2);
  EXPECT_EQ(traits(OpKind::Add).max_inputs, kVariadic);
  EXPECT_EQ(traits(OpKind::Mul).max_inputs, 2);
  EXPECT_EQ(traits(OpKind::Concat).max_inputs, kVariadic);
  EXPECT_EQ(traits(OpKind::Relu).max_inputs, 1);
}

TEST(OpTraits, WeightsAndMacsRule) {
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.weights; }),
            (std::set<std::string>{"conv2d", "depthwise_conv2d", "fully_connected", "batch_norm"}));
  EXPECT_EQ(traits(OpKind::Conv2D).macs, MacsRule::Conv);
  EXPECT_EQ(traits(OpKind::DepthwiseConv2D).macs, MacsRule::Depthwise);
  EXPECT_EQ(traits(OpKind::FullyConnected).macs, MacsRule::FullyConnected);
  EXPECT_EQ(traits(OpKind::BatchNorm).macs, MacsRule::BatchNorm);
  EXPECT_EQ(traits(OpKind::Add).macs, MacsRule::None);
  EXPECT_EQ(traits(OpKind::AvgPool).macs, MacsRule::None);
  EXPECT_TRUE(is_linear(OpKind::DepthwiseConv2D));
  EXPECT_FALSE(is_linear(OpKind::BatchNorm));
}

TEST(OpTraits, Elementwise) {
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.elementwise == Elementwise::Unary; }),
            (std::set<std::string>{"batch_norm", "relu", "relu6", "hardswish", "hardsigmoid", "sigmoid", "swish"}));
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.elementwise == Elementwise::Binary; }),
            (std::set<std::string>{"add", "mul"}));
  EXPECT_EQ(traits(OpKind::Softmax).elementwise, Elementwise::None);  // normalises over an axis
  EXPECT_EQ(traits(OpKind::Zero).elementwise, Elementwise::None);
}

TEST(OpTraits, Activations) {
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.activation; }),
            (std::set<std::string>{"relu", "relu6", "hardswish", "hardsigmoid", "sigmoid", "swish"}));
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.fusable_activation; }),
            (std::set<std::string>{"relu", "relu6"}));
  EXPECT_TRUE(traits(OpKind::Relu6).fusable_activation);
  EXPECT_FALSE(traits(OpKind::HardSwish).fusable_activation);
  EXPECT_FALSE(traits(OpKind::BatchNorm).activation);
}

TEST(OpTraits, MemoryRules) {
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.alias; }), (std::set<std::string>{"reshape", "flatten"}));
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.folds_into_producer; }), (std::set<std::string>{"batch_norm"}));
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.in_place == InPlace::Elementwise; }),
            (std::set<std::string>{"batch_norm", "relu", "relu6", "hardswish", "hardsigmoid", "sigmoid", "swish", "add",
                                   "mul"}));
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.in_place == InPlace::Depthwise; }),
            (std::set<std::string>{"depthwise_conv2d"}));
  EXPECT_EQ(traits(OpKind::Reshape).in_place, InPlace::No);  // an alias, not a kernel that overwrites
  EXPECT_EQ(traits(OpKind::Conv2D).in_place, InPlace::No);
}

TEST(OpTraits, ShapeRule) {
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.shape == ShapeRule::SameAsInput; }),
            (std::set<std::string>{"batch_norm", "relu", "relu6", "hardswish", "hardsigmoid", "sigmoid", "swish",
                                   "softmax", "zero"}));
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.shape == ShapeRule::Pool; }),
            (std::set<std::string>{"avg_pool", "max_pool"}));
  EXPECT_EQ(traits(OpKind::Add).shape, ShapeRule::Broadcast);
  EXPECT_EQ(traits(OpKind::DepthwiseConv2D).shape, ShapeRule::Depthwise);
  EXPECT_EQ(traits(OpKind::Flatten).shape, ShapeRule::Flatten);
}

// The classes cost models and device profiles were keyed by before the table: unchanged.
TEST(OpTraits, CostClassAndKernelGroup) {
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.cost == CostClass::Macs; }),
            (std::set<std::string>{"conv2d", "depthwise_conv2d", "fully_connected"}));
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.cost == CostClass::Pool; }),
            (std::set<std::string>{"avg_pool", "max_pool", "global_avg_pool"}));
  EXPECT_EQ(ops_where([](const OpTraits& t) { return t.cost == CostClass::Data; }),
            (std::set<std::string>{"input", "concat", "reshape", "flatten", "pad", "resize", "zero"}));
  const std::pair<OpKind, std::string_view> groups[] = {{OpKind::Input, "data"},
                                                        {OpKind::Conv2D, "conv"},
                                                        {OpKind::DepthwiseConv2D, "depthwise"},
                                                        {OpKind::FullyConnected, "fc"},
                                                        {OpKind::BatchNorm, "elementwise"},
                                                        {OpKind::Relu, "elementwise"},
                                                        {OpKind::Relu6, "elementwise"},
                                                        {OpKind::HardSwish, "elementwise"},
                                                        {OpKind::HardSigmoid, "elementwise"},
                                                        {OpKind::Sigmoid, "elementwise"},
                                                        {OpKind::Swish, "elementwise"},
                                                        {OpKind::Add, "add"},
                                                        {OpKind::Mul, "mul"},
                                                        {OpKind::Concat, "data"},
                                                        {OpKind::AvgPool, "pool"},
                                                        {OpKind::MaxPool, "pool"},
                                                        {OpKind::GlobalAvgPool, "global_pool"},
                                                        {OpKind::Reshape, "data"},
                                                        {OpKind::Flatten, "data"},
                                                        {OpKind::Softmax, "data"},
                                                        {OpKind::Pad, "data"},
                                                        {OpKind::Resize, "data"},
                                                        {OpKind::Zero, "data"}};
  ASSERT_EQ(std::size(groups), static_cast<size_t>(kNumOpKinds));
  for (const auto& [op, group] : groups) EXPECT_EQ(kernel_group_name(traits(op).kernel_group), group) << op_name(op);
}

}  // namespace
}  // namespace hwnas::ir
