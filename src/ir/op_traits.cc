#include "hwnas/ir/op_traits.h"

#include <iterator>

namespace hwnas::ir {
namespace {

using E = Elementwise;
using G = KernelGroup;
using M = MacsRule;
using P = InPlace;
using S = ShapeRule;
using C = CostClass;

constexpr uint32_t kConvFields = kKernel | kStride | kDilation | kPadding | kBias;

// One row per OpKind, in enum order. Columns:
//   op, name, attr_fields, min_inputs, max_inputs, weights, macs, elementwise, activation,
//   fusable_activation, folds_into_producer, alias, in_place, shape, cost, kernel_group
constexpr OpTraits kTraits[] = {
    {OpKind::Input, "input", kShape, 0, 0, false, M::None, E::None, false, false, false, false, P::No, S::Input,
     C::Data, G::Data},
    {OpKind::Conv2D, "conv2d", kConvFields | kOutChannels | kGroups, 1, 1, true, M::Conv, E::None, false, false, false,
     false, P::No, S::Conv, C::Macs, G::Conv},
    {OpKind::DepthwiseConv2D, "depthwise_conv2d", kConvFields | kMultiplier, 1, 1, true, M::Depthwise, E::None, false,
     false, false, false, P::Depthwise, S::Depthwise, C::Macs, G::Depthwise},
    {OpKind::FullyConnected, "fully_connected", kOutChannels | kBias, 1, 1, true, M::FullyConnected, E::None, false,
     false, false, false, P::No, S::Dense, C::Macs, G::Fc},
    {OpKind::BatchNorm, "batch_norm", kEpsilon, 1, 1, true, M::BatchNorm, E::Unary, false, false, true, false,
     P::Elementwise, S::SameAsInput, C::Elementwise, G::Elementwise},
    {OpKind::Relu, "relu", 0, 1, 1, false, M::None, E::Unary, true, true, false, false, P::Elementwise, S::SameAsInput,
     C::Elementwise, G::Elementwise},
    {OpKind::Relu6, "relu6", 0, 1, 1, false, M::None, E::Unary, true, true, false, false, P::Elementwise,
     S::SameAsInput, C::Elementwise, G::Elementwise},
    {OpKind::HardSwish, "hardswish", 0, 1, 1, false, M::None, E::Unary, true, false, false, false, P::Elementwise,
     S::SameAsInput, C::Elementwise, G::Elementwise},
    {OpKind::HardSigmoid, "hardsigmoid", 0, 1, 1, false, M::None, E::Unary, true, false, false, false, P::Elementwise,
     S::SameAsInput, C::Elementwise, G::Elementwise},
    {OpKind::Sigmoid, "sigmoid", 0, 1, 1, false, M::None, E::Unary, true, false, false, false, P::Elementwise,
     S::SameAsInput, C::Elementwise, G::Elementwise},
    {OpKind::Swish, "swish", 0, 1, 1, false, M::None, E::Unary, true, false, false, false, P::Elementwise,
     S::SameAsInput, C::Elementwise, G::Elementwise},
    {OpKind::Add, "add", 0, 2, kVariadic, false, M::None, E::Binary, false, false, false, false, P::Elementwise,
     S::Broadcast, C::Elementwise, G::Add},
    {OpKind::Mul, "mul", 0, 2, 2, false, M::None, E::Binary, false, false, false, false, P::Elementwise, S::Broadcast,
     C::Elementwise, G::Mul},
    {OpKind::Concat, "concat", kAxis, 2, kVariadic, false, M::None, E::None, false, false, false, false, P::No,
     S::Concat, C::Data, G::Data},
    {OpKind::AvgPool, "avg_pool", kKernel | kStride | kPadding | kCountIncludePad, 1, 1, false, M::None, E::None, false,
     false, false, false, P::No, S::Pool, C::Pool, G::Pool},
    {OpKind::MaxPool, "max_pool", kKernel | kStride | kPadding, 1, 1, false, M::None, E::None, false, false, false,
     false, P::No, S::Pool, C::Pool, G::Pool},
    {OpKind::GlobalAvgPool, "global_avg_pool", 0, 1, 1, false, M::None, E::None, false, false, false, false, P::No,
     S::GlobalPool, C::Pool, G::GlobalPool},
    {OpKind::Reshape, "reshape", kShape, 1, 1, false, M::None, E::None, false, false, false, true, P::No, S::Reshape,
     C::Data, G::Data},
    {OpKind::Flatten, "flatten", 0, 1, 1, false, M::None, E::None, false, false, false, true, P::No, S::Flatten,
     C::Data, G::Data},
    {OpKind::Softmax, "softmax", kAxis, 1, 1, false, M::None, E::None, false, false, false, false, P::No,
     S::SameAsInput, C::Elementwise, G::Data},
    {OpKind::Pad, "pad", kPads | kValue, 1, 1, false, M::None, E::None, false, false, false, false, P::No, S::Pad,
     C::Data, G::Data},
    {OpKind::Resize, "resize", kResize, 1, 1, false, M::None, E::None, false, false, false, false, P::No, S::Resize,
     C::Data, G::Data},
    {OpKind::Zero, "zero", 0, 1, 1, false, M::None, E::None, false, false, false, false, P::No, S::SameAsInput, C::Data,
     G::Data},
};

// Exactly one row per operator, in enum order: a new OpKind does not compile until its row is
// added (append it before Zero or move kNumOpKinds to the new last enumerator).
static_assert(std::size(kTraits) == kNumOpKinds, "op_traits: one row per OpKind");

constexpr bool rows_consistent() {
  for (int i = 0; i < kNumOpKinds; ++i) {
    const OpTraits& t = kTraits[i];
    if (static_cast<int>(t.op) != i || t.name.empty()) return false;  // order
    for (int j = 0; j < i; ++j)
      if (kTraits[j].name == t.name) return false;  // unique names
    if (t.min_inputs > t.max_inputs) return false;
    if (t.weights != (t.macs != MacsRule::None)) return false;  // weighted ops have a params rule
    if (t.activation && t.elementwise != Elementwise::Unary) return false;
    if (t.fusable_activation && !t.activation) return false;
    if (t.folds_into_producer && t.macs != MacsRule::BatchNorm) return false;
    if (t.alias && (t.max_inputs != 1 || t.in_place != InPlace::No)) return false;
    if ((t.in_place == InPlace::Elementwise) != (t.elementwise != Elementwise::None)) return false;
    if ((t.cost == CostClass::Macs) != (t.macs != MacsRule::None && t.macs != MacsRule::BatchNorm)) return false;
  }
  return true;
}
static_assert(rows_consistent(), "op_traits: a row is out of order, duplicated or inconsistent");

}  // namespace

const OpTraits& traits(OpKind op) { return kTraits[static_cast<int>(op)]; }

std::span<const OpTraits> all_traits() { return kTraits; }

std::string_view kernel_group_name(KernelGroup g) {
  switch (g) {
    case KernelGroup::Conv:
      return "conv";
    case KernelGroup::Depthwise:
      return "depthwise";
    case KernelGroup::Fc:
      return "fc";
    case KernelGroup::Add:
      return "add";
    case KernelGroup::Mul:
      return "mul";
    case KernelGroup::Pool:
      return "pool";
    case KernelGroup::GlobalPool:
      return "global_pool";
    case KernelGroup::Elementwise:
      return "elementwise";
    case KernelGroup::Data:
      return "data";
  }
  return "?";
}

}  // namespace hwnas::ir
