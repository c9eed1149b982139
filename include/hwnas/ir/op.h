#pragma once
// Operator kinds and their attributes. One flat Attrs struct serves every operator; which
// fields an operator uses is stated once, in attr_fields(), and drives canonicalisation,
// JSON serialisation and equality, so that unused fields never make two graphs differ.
//
//   ir::Attrs a;
//   a.kernel_h = a.kernel_w = 3; a.stride_h = a.stride_w = 2;
//   a.padding = ir::Padding::Explicit; a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = 1;
//   a.out_channels = 32;
//   graph.add(ir::OpKind::Conv2D, {x}, a, "stem.conv");
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hwnas/ir/shape.h"

namespace hwnas::ir {

enum class OpKind : uint8_t {
  Input,
  Conv2D,           // groups >= 1; weights [Cout, kh, kw, Cin/groups]
  DepthwiseConv2D,  // one filter per input channel (times multiplier)
  FullyConnected,   // flattens all but the batch dimension; output [N, units]
  BatchNorm,        // training form (gamma, beta, running stats); folded for inference
  Relu,
  Relu6,
  HardSwish,
  HardSigmoid,  // relu6(x + 3) / 6, as PyTorch and MobileNetV3
  Sigmoid,
  Swish,  // x * sigmoid(x), a.k.a. SiLU
  Add,    // two or more inputs, broadcasting
  Mul,    // two inputs, broadcasting (squeeze-excite scaling)
  Concat,
  AvgPool,
  MaxPool,
  GlobalAvgPool,  // [N,H,W,C] -> [N,1,1,C]
  Reshape,
  Flatten,  // [N, ...] -> [N, rest]
  Softmax,
  Pad,     // constant padding of H and W
  Resize,  // nearest or bilinear, to a given H x W
  Zero,    // zeros shaped like the input: NAS-Bench-201's "none" edge
};
inline constexpr int kNumOpKinds = static_cast<int>(OpKind::Zero) + 1;

std::string_view op_name(OpKind op);                   // "conv2d", "depthwise_conv2d", ...
std::optional<OpKind> op_from_name(std::string_view);  // inverse of op_name
std::vector<std::string_view> all_op_names();

enum class Padding : uint8_t { Valid, Same, Explicit };  // Same: TensorFlow's (extra pad at end)
enum class ResizeMode : uint8_t { Nearest, Bilinear };

std::string_view padding_name(Padding p);
std::optional<Padding> padding_from_name(std::string_view);
std::string_view resize_mode_name(ResizeMode m);
std::optional<ResizeMode> resize_mode_from_name(std::string_view);

struct Attrs {
  int kernel_h = 1, kernel_w = 1;                                // conv, depthwise, pools
  int stride_h = 1, stride_w = 1;                                // conv, depthwise, pools
  int dilation_h = 1, dilation_w = 1;                            // conv, depthwise
  Padding padding = Padding::Valid;                              // conv, depthwise, pools
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;  // Padding::Explicit; pad op
  int out_channels = 0;                                          // conv2d: Cout; fully_connected: units
  int groups = 1;                                                // conv2d
  int multiplier = 1;                                            // depthwise_conv2d
  bool bias = false;                                             // conv, depthwise, fully_connected
  bool count_include_pad = false;                                // avg_pool
  float epsilon = 1e-5f;                                         // batch_norm
  int axis = -1;                                                 // concat, softmax (negative counts from the end)
  Shape shape;                                                   // input: its shape; reshape: target (one -1 allowed)
  int out_h = 0, out_w = 0;                                      // resize
  ResizeMode mode = ResizeMode::Nearest;                         // resize
  bool align_corners = false;                                    // resize
  float value = 0.0f;                                            // pad

  bool operator==(const Attrs&) const = default;
};

// Which Attrs fields an operator uses (bit set of AttrField).
enum AttrField : uint32_t {
  kKernel = 1u << 0,
  kStride = 1u << 1,
  kDilation = 1u << 2,
  kPadding = 1u << 3,  // padding mode plus explicit pads
  kPads = 1u << 4,     // explicit pads only (pad op)
  kOutChannels = 1u << 5,
  kGroups = 1u << 6,
  kMultiplier = 1u << 7,
  kBias = 1u << 8,
  kCountIncludePad = 1u << 9,
  kEpsilon = 1u << 10,
  kAxis = 1u << 11,
  kShape = 1u << 12,
  kResize = 1u << 13,  // out_h, out_w, mode, align_corners
  kValue = 1u << 14,
};
uint32_t attr_fields(OpKind op);

// The attrs with every field the operator does not use reset to its default.
Attrs canonical_attrs(OpKind op, const Attrs& a);

// Operators that carry learned weights.
bool has_weights(OpKind op);
// Element-wise activations (relu, relu6, hardswish, hardsigmoid, sigmoid, swish).
bool is_activation(OpKind op);

}  // namespace hwnas::ir
