#include "hwnas/hw/op_support.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace hwnas::hw {
namespace {

bool contains(const std::vector<int>& v, int x) { return v.empty() || std::find(v.begin(), v.end(), x) != v.end(); }

std::string size_text(int h, int w) { return h == w ? std::to_string(h) : fmt::format("{}x{}", h, w); }

// The published limits of entry s (max_kernel ... resize_scales) that node n breaks; "" when none.
std::string limit_mismatch(const OpSupport& s, const ir::Graph& g, const ir::Node& n) {
  const uint32_t fields = ir::attr_fields(n.op);
  const ir::Attrs& a = n.attrs;
  const ir::Shape* in = n.inputs.empty() ? nullptr : &g.node(n.inputs[0]).shape;
  if (fields & ir::kKernel) {
    const int dh = (fields & ir::kDilation) ? a.dilation_h : 1, dw = (fields & ir::kDilation) ? a.dilation_w : 1;
    const int kh = (a.kernel_h - 1) * dh + 1, kw = (a.kernel_w - 1) * dw + 1;
    const char* dilated = dh > 1 || dw > 1 ? "dilated " : "";
    if (s.square_kernels && a.kernel_h != a.kernel_w)
      return fmt::format("kernel {}x{} is not square", a.kernel_h, a.kernel_w);
    if (s.max_kernel > 0 && (kh > s.max_kernel || kw > s.max_kernel))
      return fmt::format("{}kernel {} over {} (height and width must be in [1, {}])", dilated, size_text(kh, kw),
                         s.max_kernel, s.max_kernel);
    if (s.max_kernel_height > 0 && kh > s.max_kernel_height)
      return fmt::format("{}kernel height {} over {} (must be in [1, {}])", dilated, kh, s.max_kernel_height,
                         s.max_kernel_height);
    if (s.max_kernel_area > 0 && int64_t{kh} * kw > s.max_kernel_area)
      return fmt::format("{}kernel {} has {} elements, over {} (width x height must be in [1, {}])", dilated,
                         size_text(kh, kw), int64_t{kh} * kw, s.max_kernel_area, s.max_kernel_area);
  }
  if (n.op == ir::OpKind::GlobalAvgPool && s.max_kernel_area > 0 && in && in->rank() == 4) {
    const int64_t area = (*in)[1] * (*in)[2];
    if (area > s.max_kernel_area)
      return fmt::format("input {}x{} averages {} elements, over {} (height x width must be at most {})", (*in)[1],
                         (*in)[2], area, s.max_kernel_area, s.max_kernel_area);
  }
  if (s.max_dim > 0) {
    const auto over = [&](const ir::Shape& sh) {
      for (int i = 0; i < sh.rank(); ++i)
        if (sh[i] > s.max_dim) return sh[i];
      return int64_t{0};
    };
    for (int id : n.inputs)
      if (const int64_t d = over(g.node(id).shape))
        return fmt::format("an input dimension of {} over {} (dimensions must be in [1, {}])", d, s.max_dim, s.max_dim);
    if (const int64_t d = over(n.shape))
      return fmt::format("an output dimension of {} over {} (dimensions must be in [1, {}])", d, s.max_dim, s.max_dim);
  }
  if (in && in->rank() == 4) {
    if (s.max_input_channels > 0 && (*in)[3] > s.max_input_channels)
      return fmt::format("{} input channels over the limit of {}", (*in)[3], s.max_input_channels);
    if (!s.input_height.contains((*in)[1]))
      return fmt::format("input height {} not in [{}, {}]", (*in)[1], s.input_height.min, s.input_height.max);
    if (!s.input_width.contains((*in)[2]))
      return fmt::format("input width {} not in [{}, {}]", (*in)[2], s.input_width.min, s.input_width.max);
  }
  if (n.op == ir::OpKind::Resize && !s.resize_scales.empty() && in && in->rank() == 4) {
    const int64_t ih = (*in)[1], iw = (*in)[2], oh = n.shape[1], ow = n.shape[2];
    // align_corners maps corner to corner: the published rule scales H-1 and W-1 instead.
    const int64_t c = a.align_corners ? 1 : 0;
    const bool one_by_one = ih == 1 && iw == 1, same = ih == oh && iw == ow;
    bool scaled = false;
    for (int f : s.resize_scales)
      scaled = scaled || ((oh - c) == f * (ih - c) && (ow - c) == f * (iw - c) && ih > c && iw > c);
    if (!one_by_one && !same && !scaled)
      return fmt::format("resize {}x{} -> {}x{} is not a {}x upscale{} (nor from 1x1, nor to the same size)", ih, iw,
                         oh, ow, fmt::join(s.resize_scales, "x/"),
                         a.align_corners ? " of H-1 and W-1 (align_corners)" : "");
  }
  return "";
}

// Why entry s does not accept node n of graph g at dtype t; "" when it does.
std::string mismatch(const OpSupport& s, const ir::Graph& g, const ir::Node& n, ir::DType t) {
  const uint32_t fields = ir::attr_fields(n.op);
  const ir::Attrs& a = n.attrs;
  std::string why;
  if ((fields & ir::kKernel) && (!contains(s.kernels, a.kernel_h) || !contains(s.kernels, a.kernel_w)))
    why = fmt::format("kernel {} not in [{}]", size_text(a.kernel_h, a.kernel_w), fmt::join(s.kernels, ", "));
  else if ((fields & ir::kStride) && (!contains(s.strides, a.stride_h) || !contains(s.strides, a.stride_w)))
    why = fmt::format("stride {} not in [{}]", size_text(a.stride_h, a.stride_w), fmt::join(s.strides, ", "));
  else if (!s.dtypes.empty() && std::find(s.dtypes.begin(), s.dtypes.end(), t) == s.dtypes.end()) {
    std::vector<std::string_view> names;
    for (ir::DType d : s.dtypes) names.push_back(ir::dtype_name(d));
    why = fmt::format("{} not supported (only {})", ir::dtype_name(t), fmt::join(names, ", "));
  }
  const int64_t channels = n.shape.rank() > 0 ? n.shape[n.shape.rank() - 1] : 0;
  if (why.empty() && s.channel_alignment > 1 && channels % s.channel_alignment != 0)
    why = fmt::format("{} output channels not a multiple of {}", channels, s.channel_alignment);
  if (why.empty() && s.max_channels > 0 && channels > s.max_channels)
    why = fmt::format("{} output channels over the limit of {}", channels, s.max_channels);
  if (why.empty()) why = limit_mismatch(s, g, n);
  if (!why.empty() && !s.rule.empty()) why += fmt::format(" ({})", s.rule);
  return why;
}

}  // namespace

const OpSupport* find_support(const Processor& p, const ir::Graph& g, int id, ir::DType t, std::string* reason) {
  if (reason) reason->clear();
  const ir::Node& n = g.node(id);
  if (!p.ops) return nullptr;
  std::string first;
  bool any = false;
  for (const OpSupport& s : *p.ops) {
    if (s.op != n.op) continue;
    std::string why = mismatch(s, g, n, t);
    if (why.empty()) return &s;
    if (!any) first = std::move(why);
    any = true;
  }
  if (reason) *reason = any ? first : fmt::format("{} is not in {}'s operator set", ir::op_name(n.op), p.name);
  return nullptr;
}

bool accepts(const Processor& p, const ir::Graph& g, int id, ir::DType t, std::string* reason) {
  return !p.ops || find_support(p, g, id, t, reason) != nullptr;
}

bool runs_op(const Processor& p, ir::OpKind op) {
  if (!p.ops) return true;
  return std::any_of(p.ops->begin(), p.ops->end(), [&](const OpSupport& s) {
    return s.op == op ||
           std::find(s.fused_activations.begin(), s.fused_activations.end(), op) != s.fused_activations.end();
  });
}

std::string op_key(const ir::Node& n) {
  std::string key(ir::op_name(n.op));
  const uint32_t fields = ir::attr_fields(n.op);
  const ir::Attrs& a = n.attrs;
  if (fields & ir::kKernel)
    key += a.kernel_h == a.kernel_w ? fmt::format(" k{}", a.kernel_h) : fmt::format(" k{}x{}", a.kernel_h, a.kernel_w);
  if (fields & ir::kStride)
    key += a.stride_h == a.stride_w ? fmt::format(" s{}", a.stride_h) : fmt::format(" s{}x{}", a.stride_h, a.stride_w);
  return key;
}

}  // namespace hwnas::hw
