#include "hwnas/runtime/reference_kernels.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "hwnas/core/error.h"
#include "hwnas/ir/shape_inference.h"
#include "hwnas/runtime/broadcast.h"
#include "hwnas/runtime/pool_window.h"

namespace hwnas::runtime {
namespace {

using ir::Shape;

float relu6(float x) { return std::min(std::max(x, 0.0f), 6.0f); }
float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

template <typename F>
void map(const float* x, int64_t n, float* y, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

void conv2d(const Shape& xs, const float* x, const ir::Node& n, const NodeParams& p, float* y) {
  const ir::Attrs& a = n.attrs;
  const Shape& ys = n.shape;
  const ir::Pads pad = ir::resolve_pads(a, xs.h(), xs.w());
  const int64_t cin_g = xs.c() / a.groups, cout_g = ys.c() / a.groups;
  for (int64_t b = 0; b < ys.n(); ++b)
    for (int64_t oh = 0; oh < ys.h(); ++oh)
      for (int64_t ow = 0; ow < ys.w(); ++ow)
        for (int64_t co = 0; co < ys.c(); ++co) {
          const int64_t ci0 = (co / cout_g) * cin_g;
          float acc = p.bias.empty() ? 0.0f : p.bias[co];
          for (int kh = 0; kh < a.kernel_h; ++kh) {
            const int64_t ih = oh * a.stride_h - pad.top + int64_t{kh} * a.dilation_h;
            if (ih < 0 || ih >= xs.h()) continue;
            for (int kw = 0; kw < a.kernel_w; ++kw) {
              const int64_t iw = ow * a.stride_w - pad.left + int64_t{kw} * a.dilation_w;
              if (iw < 0 || iw >= xs.w()) continue;
              const float* xp = x + ((b * xs.h() + ih) * xs.w() + iw) * xs.c() + ci0;
              const float* wp = p.kernel.data() + ((co * a.kernel_h + kh) * a.kernel_w + kw) * cin_g;
              for (int64_t ci = 0; ci < cin_g; ++ci) acc += xp[ci] * wp[ci];
            }
          }
          y[((b * ys.h() + oh) * ys.w() + ow) * ys.c() + co] = acc;
        }
}

void depthwise(const Shape& xs, const float* x, const ir::Node& n, const NodeParams& p, float* y) {
  const ir::Attrs& a = n.attrs;
  const Shape& ys = n.shape;
  const ir::Pads pad = ir::resolve_pads(a, xs.h(), xs.w());
  for (int64_t b = 0; b < ys.n(); ++b)
    for (int64_t oh = 0; oh < ys.h(); ++oh)
      for (int64_t ow = 0; ow < ys.w(); ++ow) {
        float* yp = y + ((b * ys.h() + oh) * ys.w() + ow) * ys.c();
        for (int64_t co = 0; co < ys.c(); ++co) yp[co] = p.bias.empty() ? 0.0f : p.bias[co];
        for (int kh = 0; kh < a.kernel_h; ++kh) {
          const int64_t ih = oh * a.stride_h - pad.top + int64_t{kh} * a.dilation_h;
          if (ih < 0 || ih >= xs.h()) continue;
          for (int kw = 0; kw < a.kernel_w; ++kw) {
            const int64_t iw = ow * a.stride_w - pad.left + int64_t{kw} * a.dilation_w;
            if (iw < 0 || iw >= xs.w()) continue;
            const float* xp = x + ((b * xs.h() + ih) * xs.w() + iw) * xs.c();
            const float* wp = p.kernel.data() + (int64_t{kh} * a.kernel_w + kw) * ys.c();
            // Output channel co reads input channel co / multiplier (TFLite's ordering).
            for (int64_t co = 0; co < ys.c(); ++co) yp[co] += xp[co / a.multiplier] * wp[co];
          }
        }
      }
}

void fully_connected(const Shape& xs, const float* x, const ir::Node& n, const NodeParams& p, float* y) {
  const int64_t batch = xs[0], in = xs.numel() / batch, units = n.shape[1];
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t u = 0; u < units; ++u) {
      float acc = p.bias.empty() ? 0.0f : p.bias[u];
      for (int64_t k = 0; k < in; ++k) acc += x[b * in + k] * p.kernel[u * in + k];
      y[b * units + u] = acc;
    }
}

void pool(const Shape& xs, const float* x, const ir::Node& n, float* y) {
  const ir::Attrs& a = n.attrs;
  const Shape& ys = n.shape;
  const ir::Pads pad = ir::resolve_pads(a, xs.h(), xs.w());
  const bool is_max = n.op == ir::OpKind::MaxPool;
  for (int64_t b = 0; b < ys.n(); ++b)
    for (int64_t oh = 0; oh < ys.h(); ++oh)
      for (int64_t ow = 0; ow < ys.w(); ++ow)
        for (int64_t c = 0; c < ys.c(); ++c) {
          float acc = is_max ? -std::numeric_limits<float>::infinity() : 0.0f;
          int count = 0;
          for_each_in_window(xs, a, pad, b, oh, ow, c, [&](int64_t i) {
            const float v = x[i];
            acc = is_max ? std::max(acc, v) : acc + v;
            ++count;
          });
          if (!is_max) acc /= static_cast<float>(a.count_include_pad ? a.kernel_h * a.kernel_w : std::max(count, 1));
          y[((b * ys.h() + oh) * ys.w() + ow) * ys.c() + c] = acc;
        }
}

// Element-wise op over broadcast inputs (broadcast.h).
template <typename F>
void broadcast(const ir::Graph& g, const ir::Node& n, std::span<const float* const> in, float* y, F combine) {
  for_each_broadcast(g, n, [&](int64_t i, std::span<const int64_t> at) {
    float acc = in[0][at[0]];
    for (size_t k = 1; k < in.size(); ++k) acc = combine(acc, in[k][at[k]]);
    y[i] = acc;
  });
}

// Splits a shape around `axis` into outer x axis x inner element counts.
void split_axis(const Shape& s, int axis, int64_t& outer, int64_t& inner) {
  outer = inner = 1;
  for (int d = 0; d < axis; ++d) outer *= s[d];
  for (int d = axis + 1; d < s.rank(); ++d) inner *= s[d];
}

void softmax(const Shape& s, int axis, const float* x, float* y) {
  int64_t outer, inner;
  split_axis(s, axis, outer, inner);
  const int64_t len = s[axis];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float* xp = x + o * len * inner + i;
      float* yp = y + o * len * inner + i;
      float mx = -std::numeric_limits<float>::infinity();
      for (int64_t k = 0; k < len; ++k) mx = std::max(mx, xp[k * inner]);
      double sum = 0.0;
      for (int64_t k = 0; k < len; ++k) sum += yp[k * inner] = std::exp(xp[k * inner] - mx);
      for (int64_t k = 0; k < len; ++k) yp[k * inner] = static_cast<float>(yp[k * inner] / sum);
    }
}

void concat(const ir::Graph& g, const ir::Node& n, std::span<const float* const> in, float* y) {
  const int axis = n.attrs.axis < 0 ? n.attrs.axis + n.shape.rank() : n.attrs.axis;
  int64_t outer, inner;
  split_axis(n.shape, axis, outer, inner);
  const int64_t out_row = n.shape[axis] * inner;
  int64_t start = 0;
  for (size_t k = 0; k < in.size(); ++k) {
    const int64_t row = g.node(n.inputs[k]).shape[axis] * inner;
    for (int64_t o = 0; o < outer; ++o) std::copy_n(in[k] + o * row, row, y + o * out_row + start);
    start += row;
  }
}

void pad(const Shape& xs, const float* x, const ir::Node& n, float* y) {
  const Shape& ys = n.shape;
  std::fill_n(y, ys.numel(), n.attrs.value);
  for (int64_t b = 0; b < xs.n(); ++b)
    for (int64_t h = 0; h < xs.h(); ++h)
      std::copy_n(x + (b * xs.h() + h) * xs.w() * xs.c(), xs.w() * xs.c(),
                  y + ((b * ys.h() + h + n.attrs.pad_top) * ys.w() + n.attrs.pad_left) * ys.c());
}

// Source coordinate of output index `dst` along one axis (see the header for the formulas).
double resize_source(int64_t dst, int64_t in, int64_t out, bool align_corners) {
  if (align_corners) return out > 1 ? static_cast<double>(dst) * (in - 1) / (out - 1) : 0.0;
  return std::max(0.0, (dst + 0.5) * in / out - 0.5);
}

void resize(const Shape& xs, const float* x, const ir::Node& n, float* y) {
  const ir::Attrs& a = n.attrs;
  const Shape& ys = n.shape;
  auto at = [&](int64_t b, int64_t h, int64_t w, int64_t c) { return x[((b * xs.h() + h) * xs.w() + w) * xs.c() + c]; };
  for (int64_t b = 0; b < ys.n(); ++b)
    for (int64_t oh = 0; oh < ys.h(); ++oh)
      for (int64_t ow = 0; ow < ys.w(); ++ow) {
        float* yp = y + ((b * ys.h() + oh) * ys.w() + ow) * ys.c();
        if (a.mode == ir::ResizeMode::Nearest) {
          auto src = [&](int64_t dst, int64_t in, int64_t out) -> int64_t {
            const int64_t s = a.align_corners
                                  ? std::llround(out > 1 ? static_cast<double>(dst) * (in - 1) / (out - 1) : 0.0)
                                  : dst * in / out;
            return std::min(s, in - 1);
          };
          const int64_t ih = src(oh, xs.h(), ys.h()), iw = src(ow, xs.w(), ys.w());
          for (int64_t c = 0; c < ys.c(); ++c) yp[c] = at(b, ih, iw, c);
          continue;
        }
        const double sh = resize_source(oh, xs.h(), ys.h(), a.align_corners);
        const double sw = resize_source(ow, xs.w(), ys.w(), a.align_corners);
        const int64_t h0 = std::min(static_cast<int64_t>(sh), xs.h() - 1),
                      w0 = std::min(static_cast<int64_t>(sw), xs.w() - 1);
        const int64_t h1 = std::min(h0 + 1, xs.h() - 1), w1 = std::min(w0 + 1, xs.w() - 1);
        const float lh = static_cast<float>(sh - h0), lw = static_cast<float>(sw - w0);
        for (int64_t c = 0; c < ys.c(); ++c) {
          const float top = at(b, h0, w0, c) + (at(b, h0, w1, c) - at(b, h0, w0, c)) * lw;
          const float bottom = at(b, h1, w0, c) + (at(b, h1, w1, c) - at(b, h1, w0, c)) * lw;
          yp[c] = top + (bottom - top) * lh;
        }
      }
}

}  // namespace

void reference_node(const ir::Graph& g, int id, const NodeParams& p, std::span<const float* const> in, float* y) {
  const ir::Node& n = g.node(id);
  if (in.size() != n.inputs.size())
    fail(g.describe(id), "reference kernel got {} input buffers for {} inputs", in.size(), n.inputs.size());
  if (n.op == ir::OpKind::Input || p.alias_of >= 0)
    fail(g.describe(id), "has no kernel to run (graph input or folded batch_norm)");
  const Shape& xs = n.inputs.empty() ? n.shape : g.node(n.inputs[0]).shape;
  const float* x = in.empty() ? nullptr : in[0];
  const int64_t count = n.shape.numel();
  switch (n.op) {
    case ir::OpKind::Conv2D:
      return conv2d(xs, x, n, p, y);
    case ir::OpKind::DepthwiseConv2D:
      return depthwise(xs, x, n, p, y);
    case ir::OpKind::FullyConnected:
      return fully_connected(xs, x, n, p, y);
    case ir::OpKind::BatchNorm: {
      const int64_t c = static_cast<int64_t>(p.scale.size());
      for (int64_t i = 0; i < count; ++i) y[i] = x[i] * p.scale[i % c] + p.shift[i % c];
      return;
    }
    case ir::OpKind::Relu:
      return map(x, count, y, [](float v) { return std::max(v, 0.0f); });
    case ir::OpKind::Relu6:
      return map(x, count, y, relu6);
    case ir::OpKind::HardSwish:
      return map(x, count, y, [](float v) { return v * relu6(v + 3.0f) / 6.0f; });
    case ir::OpKind::HardSigmoid:
      return map(x, count, y, [](float v) { return relu6(v + 3.0f) / 6.0f; });
    case ir::OpKind::Sigmoid:
      return map(x, count, y, sigmoid);
    case ir::OpKind::Swish:
      return map(x, count, y, [](float v) { return v * sigmoid(v); });
    case ir::OpKind::Add:
      return broadcast(g, n, in, y, [](float s, float v) { return s + v; });
    case ir::OpKind::Mul:
      return broadcast(g, n, in, y, [](float s, float v) { return s * v; });
    case ir::OpKind::Concat:
      return concat(g, n, in, y);
    case ir::OpKind::AvgPool:
    case ir::OpKind::MaxPool:
      return pool(xs, x, n, y);
    case ir::OpKind::GlobalAvgPool: {
      const int64_t hw = xs.h() * xs.w(), c = xs.c();
      for (int64_t b = 0; b < xs.n(); ++b)
        for (int64_t k = 0; k < c; ++k) {
          double sum = 0.0;
          for (int64_t i = 0; i < hw; ++i) sum += x[(b * hw + i) * c + k];
          y[b * c + k] = static_cast<float>(sum / static_cast<double>(hw));
        }
      return;
    }
    case ir::OpKind::Reshape:
    case ir::OpKind::Flatten:
      std::copy_n(x, count, y);
      return;
    case ir::OpKind::Softmax:
      return softmax(n.shape, n.attrs.axis < 0 ? n.attrs.axis + n.shape.rank() : n.attrs.axis, x, y);
    case ir::OpKind::Pad:
      return pad(xs, x, n, y);
    case ir::OpKind::Resize:
      return resize(xs, x, n, y);
    case ir::OpKind::Zero:
      std::fill_n(y, count, 0.0f);
      return;
    case ir::OpKind::Input:
      break;
  }
  fail(g.describe(id), "the reference backend has no kernel for operator {}", ir::op_name(n.op));
}

}  // namespace hwnas::runtime
