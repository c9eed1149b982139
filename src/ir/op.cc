#include "hwnas/ir/op.h"

#include "hwnas/ir/op_traits.h"

namespace hwnas::ir {

std::string_view op_name(OpKind op) { return traits(op).name; }

std::optional<OpKind> op_from_name(std::string_view s) {
  for (const OpTraits& t : all_traits())
    if (t.name == s) return t.op;
  if (s == "silu") return OpKind::Swish;
  if (s == "depthwise") return OpKind::DepthwiseConv2D;
  if (s == "fc" || s == "linear") return OpKind::FullyConnected;
  return std::nullopt;
}

std::vector<std::string_view> all_op_names() {
  std::vector<std::string_view> names;
  for (const OpTraits& t : all_traits()) names.push_back(t.name);
  return names;
}

std::string_view padding_name(Padding p) {
  switch (p) {
    case Padding::Valid:
      return "valid";
    case Padding::Same:
      return "same";
    case Padding::Explicit:
      return "explicit";
  }
  return "?";
}

std::optional<Padding> padding_from_name(std::string_view s) {
  if (s == "valid") return Padding::Valid;
  if (s == "same") return Padding::Same;
  if (s == "explicit") return Padding::Explicit;
  return std::nullopt;
}

std::string_view resize_mode_name(ResizeMode m) { return m == ResizeMode::Nearest ? "nearest" : "bilinear"; }

std::optional<ResizeMode> resize_mode_from_name(std::string_view s) {
  if (s == "nearest") return ResizeMode::Nearest;
  if (s == "bilinear" || s == "linear") return ResizeMode::Bilinear;
  return std::nullopt;
}

uint32_t attr_fields(OpKind op) { return traits(op).attr_fields; }

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

bool has_weights(OpKind op) { return traits(op).weights; }

bool is_activation(OpKind op) { return traits(op).activation; }

}  // namespace hwnas::ir
