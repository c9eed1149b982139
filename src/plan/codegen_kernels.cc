#include "hwnas/plan/codegen_kernels.h"

#include <algorithm>

#include "hwnas/ir/shape_inference.h"

namespace hwnas::plan {

bool is_pointwise(const ir::Node& n, const ir::Shape& in) {
  const ir::Attrs& a = n.attrs;
  const ir::Pads pad = ir::resolve_pads(a, in.h(), in.w());
  return n.op == ir::OpKind::Conv2D && a.kernel_h == 1 && a.kernel_w == 1 && a.stride_h == 1 && a.stride_w == 1 &&
         a.groups == 1 && pad.top == 0 && pad.left == 0 && n.shape.h() == in.h() && n.shape.w() == in.w();
}

Padded padded_extent(const ir::Node& n, const ir::Shape& in) {
  (void)in;
  const ir::Attrs& a = n.attrs;
  // Rows read: oh * SH + kh * DH for every output row and tap, from -PT.
  return {(n.shape.h() - 1) * a.stride_h + int64_t{a.kernel_h - 1} * a.dilation_h + 1,
          (n.shape.w() - 1) * a.stride_w + int64_t{a.kernel_w - 1} * a.dilation_w + 1};
}

int64_t kernel_scratch_bytes(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  if (n.inputs.empty()) return 0;
  const ir::Shape& in = g.node(n.inputs[0]).shape;
  switch (n.op) {
    case ir::OpKind::Conv2D:  // two pixels' int16 receptive fields (pointwise: the two pixels)
      return 4 * (in.c() / n.attrs.groups) * n.attrs.kernel_h * n.attrs.kernel_w;
    case ir::OpKind::FullyConnected:  // int16 row
      return 2 * (in.numel() / in[0]);
    case ir::OpKind::DepthwiseConv2D:
    case ir::OpKind::BatchNorm: {  // one padded channel as int16
      const Padded p = padded_extent(n, in);
      return 2 * p.h * p.w;
    }
    default:
      return 0;
  }
}

int64_t kernel_constant_bytes(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  // Per output channel: int32 bias, int32 multiplier, int8 shift (emit_conv.cc, emit_common.cc).
  constexpr int64_t kPerChannel = 4 + 4 + 1;
  switch (n.op) {
    case ir::OpKind::Conv2D: {
      const int64_t oc = n.shape.c();
      const int64_t k = g.node(n.inputs[0]).shape.c() / n.attrs.groups * n.attrs.kernel_h * n.attrs.kernel_w;
      return oc * (k + kPerChannel);
    }
    case ir::OpKind::FullyConnected: {
      const ir::Shape& in = g.node(n.inputs[0]).shape;
      const int64_t units = n.shape[1];
      return units * (in.numel() / in[0] + kPerChannel);
    }
    case ir::OpKind::DepthwiseConv2D:
    case ir::OpKind::BatchNorm: {  // an unfolded batch_norm runs as a 1x1 depthwise
      const int64_t oc = n.shape.c(), kh = n.attrs.kernel_h, kw = n.attrs.kernel_w;
      const int64_t pairs = n.attrs.dilation_w == 1 ? kh * (kw / 2) : 0;  // packed as int32 (_wp)
      return oc * (kh * kw + kPerChannel + 4 * pairs);
    }
    case ir::OpKind::Sigmoid:
    case ir::OpKind::HardSigmoid:
    case ir::OpKind::Swish:
    case ir::OpKind::HardSwish:
      return 256;  // the int8 table, out[q + 128]
    default:
      return 0;
  }
}

int64_t generated_scratch_bytes(const ir::Graph& g, const TensorGraph& tg, int64_t alignment) {
  int64_t bytes = 0;
  for (int id = 0; id < g.size(); ++id)
    if (!tg.nodes[id].alias) bytes = std::max(bytes, kernel_scratch_bytes(g, id));
  return (bytes + alignment - 1) / alignment * alignment;
}

int64_t generated_constant_bytes(const ir::Graph& g, const TensorGraph& tg) {
  const auto live = g.live();
  int64_t bytes = 0;
  for (int id = 0; id < g.size(); ++id)
    if (live[id] && !tg.nodes[id].alias) bytes += kernel_constant_bytes(g, id);
  return bytes;
}

}  // namespace hwnas::plan
