#include "hwnas/ir/op.h"

#include <array>

namespace hwnas::ir {
namespace {

constexpr std::array<std::string_view, kNumOpKinds> kOpNames = {
    "input",   "conv2d",  "depthwise_conv2d", "fully_connected", "batch_norm", "relu",
    "relu6",   "hardswish", "hardsigmoid",    "sigmoid",         "swish",      "add",
    "mul",     "concat",  "avg_pool",         "max_pool",        "global_avg_pool",
    "reshape", "flatten", "softmax",          "pad",             "resize",     "zero"};

}  // namespace

std::string_view op_name(OpKind op) { return kOpNames[static_cast<int>(op)]; }

std::optional<OpKind> op_from_name(std::string_view s) {
  for (int i = 0; i < kNumOpKinds; ++i)
    if (kOpNames[i] == s) return static_cast<OpKind>(i);
  if (s == "silu") return OpKind::Swish;
  if (s == "depthwise") return OpKind::DepthwiseConv2D;
  if (s == "fc" || s == "linear") return OpKind::FullyConnected;
  return std::nullopt;
}

std::vector<std::string_view> all_op_names() { return {kOpNames.begin(), kOpNames.end()}; }

std::string_view padding_name(Padding p) {
  switch (p) {
    case Padding::Valid: return "valid";
    case Padding::Same: return "same";
    case Padding::Explicit: return "explicit";
  }
  return "?";
}

std::optional<Padding> padding_from_name(std::string_view s) {
  if (s == "valid") return Padding::Valid;
  if (s == "same") return Padding::Same;
  if (s == "explicit") return Padding::Explicit;
  return std::nullopt;
}

std::string_view resize_mode_name(ResizeMode m) {
  return m == ResizeMode::Nearest ? "nearest" : "bilinear";
}

std::optional<ResizeMode> resize_mode_from_name(std::string_view s) {
  if (s == "nearest") return ResizeMode::Nearest;
  if (s == "bilinear" || s == "linear") return ResizeMode::Bilinear;
  return std::nullopt;
}

uint32_t attr_fields(OpKind op) {
  switch (op) {
    case OpKind::Input: return kShape;
    case OpKind::Conv2D: return kKernel | kStride | kDilation | kPadding | kOutChannels | kGroups | kBias;
    case OpKind::DepthwiseConv2D: return kKernel | kStride | kDilation | kPadding | kMultiplier | kBias;
    case OpKind::FullyConnected: return kOutChannels | kBias;
    case OpKind::BatchNorm: return kEpsilon;
    case OpKind::AvgPool: return kKernel | kStride | kPadding | kCountIncludePad;
    case OpKind::MaxPool: return kKernel | kStride | kPadding;
    case OpKind::Concat:
    case OpKind::Softmax: return kAxis;
    case OpKind::Reshape: return kShape;
    case OpKind::Pad: return kPads | kValue;
    case OpKind::Resize: return kResize;
    default: return 0;
  }
}

Attrs canonical_attrs(OpKind op, const Attrs& a) {
  const uint32_t f = attr_fields(op);
  Attrs c;
  if (f & kKernel) c.kernel_h = a.kernel_h, c.kernel_w = a.kernel_w;
  if (f & kStride) c.stride_h = a.stride_h, c.stride_w = a.stride_w;
  if (f & kDilation) c.dilation_h = a.dilation_h, c.dilation_w = a.dilation_w;
  if (f & kPadding) c.padding = a.padding;
  if ((f & kPads) || ((f & kPadding) && a.padding == Padding::Explicit))
    c.pad_top = a.pad_top, c.pad_left = a.pad_left, c.pad_bottom = a.pad_bottom, c.pad_right = a.pad_right;
  if (f & kOutChannels) c.out_channels = a.out_channels;
  if (f & kGroups) c.groups = a.groups;
  if (f & kMultiplier) c.multiplier = a.multiplier;
  if (f & kBias) c.bias = a.bias;
  if (f & kCountIncludePad) c.count_include_pad = a.count_include_pad;
  if (f & kEpsilon) c.epsilon = a.epsilon;
  if (f & kAxis) c.axis = a.axis;
  if (f & kShape) c.shape = a.shape;
  if (f & kResize) c.out_h = a.out_h, c.out_w = a.out_w, c.mode = a.mode, c.align_corners = a.align_corners;
  if (f & kValue) c.value = a.value;
  return c;
}

bool has_weights(OpKind op) {
  return op == OpKind::Conv2D || op == OpKind::DepthwiseConv2D || op == OpKind::FullyConnected ||
         op == OpKind::BatchNorm;
}

bool is_activation(OpKind op) {
  switch (op) {
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::HardSwish:
    case OpKind::HardSigmoid:
    case OpKind::Sigmoid:
    case OpKind::Swish: return true;
    default: return false;
  }
}

}  // namespace hwnas::ir
