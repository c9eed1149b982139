#include "hwnas/interop/nchw.h"

#include "hwnas/core/error.h"

namespace hwnas::interop {

ir::Shape to_nchw(const ir::Shape& s) {
  if (s.rank() != 4) return s;
  return ir::Shape{s[0], s[3], s[1], s[2]};
}

std::vector<int64_t> dims_of(const ir::Shape& s) {
  std::vector<int64_t> d;
  for (int i = 0; i < s.rank(); ++i) d.push_back(s[i]);
  return d;
}

int nchw_axis(int axis, int rank) {
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail("axis " + std::to_string(axis), "is out of range for rank {}", rank);
  if (rank != 4) return a;
  constexpr int kNhwcToNchw[4] = {0, 2, 3, 1};
  return kNhwcToNchw[a];
}

bool flatten_order_differs(const ir::Shape& s) { return s.rank() == 4 && s.h() * s.w() > 1 && s.c() > 1; }

ir::Shape oihw_shape(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  const ir::Attrs& a = n.attrs;
  const int64_t cin = g.node(n.inputs.at(0)).shape.c();
  if (n.op == ir::OpKind::DepthwiseConv2D) return ir::Shape{n.shape.c(), 1, a.kernel_h, a.kernel_w};
  if (n.op == ir::OpKind::Conv2D) return ir::Shape{a.out_channels, cin / a.groups, a.kernel_h, a.kernel_w};
  fail(g.describe(id), "is not a convolution; it has no OIHW kernel");
}

std::vector<float> oihw_kernel(const ir::Graph& g, int id, std::span<const float> kernel) {
  const ir::Shape o = oihw_shape(g, id);  // [Cout, Cin/g, kh, kw]
  const int64_t cout = o[0], cin_g = o[1], kh = o[2], kw = o[3];
  if (static_cast<int64_t>(kernel.size()) != o.numel())
    fail(g.describe(id), "kernel has {} values, expected {} ({} in OIHW)", kernel.size(), o.numel(), o.str());
  std::vector<float> out(kernel.size());
  // Source: conv [Cout, kh, kw, Cin/g]; depthwise [1, kh, kw, Cout] is the same with Cin/g = 1
  // once its output channel is read as the leading index.
  const bool depthwise = g.node(id).op == ir::OpKind::DepthwiseConv2D;
  for (int64_t co = 0; co < cout; ++co)
    for (int64_t ci = 0; ci < cin_g; ++ci)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x) {
          const int64_t src = depthwise ? (y * kw + x) * cout + co : ((co * kh + y) * kw + x) * cin_g + ci;
          out[((co * cin_g + ci) * kh + y) * kw + x] = kernel[src];
        }
  return out;
}

int64_t conv_groups(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  return n.op == ir::OpKind::DepthwiseConv2D ? g.node(n.inputs.at(0)).shape.c() : n.attrs.groups;
}

std::vector<float> nchw_fc_kernel(const ir::Shape& in, std::span<const float> kernel, int64_t units) {
  std::vector<float> out(kernel.begin(), kernel.end());
  if (!flatten_order_differs(in)) return out;
  const int64_t h = in.h(), w = in.w(), c = in.c(), features = h * w * c;
  if (static_cast<int64_t>(kernel.size()) != units * features)
    fail("fully_connected kernel", "has {} values, expected {} units x {} features", kernel.size(), units, features);
  for (int64_t u = 0; u < units; ++u)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t k = 0; k < c; ++k)
          out[u * features + (k * h + y) * w + x] = kernel[u * features + (y * w + x) * c + k];
  return out;
}

namespace {

// Visits every element as (NHWC index, NCHW index).
template <typename F>
void for_each_nhwc_nchw(const ir::Shape& s, F f) {
  if (s.rank() != 4) {
    for (int64_t i = 0; i < s.numel(); ++i) f(i, i);
    return;
  }
  const int64_t n = s.n(), h = s.h(), w = s.w(), c = s.c();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) f(((b * h + y) * w + x) * c + k, ((b * c + k) * h + y) * w + x);
}

}  // namespace

void copy_nhwc_to_nchw(const ir::Shape& s, const float* nhwc, float* nchw) {
  for_each_nhwc_nchw(s, [&](int64_t i, int64_t j) { nchw[j] = nhwc[i]; });
}

void copy_nchw_to_nhwc(const ir::Shape& s, const float* nchw, float* nhwc) {
  for_each_nhwc_nchw(s, [&](int64_t i, int64_t j) { nhwc[i] = nchw[j]; });
}

}  // namespace hwnas::interop
