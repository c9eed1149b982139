// The int8 reference kernels (run_int8.h states each one's arithmetic). Loops follow
// src/runtime/reference_kernels.cc, the fp32 oracle, so the two read side by side.
#include <algorithm>
#include <array>
#include <cmath>

#include "hwnas/core/error.h"
#include "hwnas/ir/shape_inference.h"
#include "hwnas/quant/run_int8.h"
#include "hwnas/runtime/broadcast.h"
#include "hwnas/runtime/pool_window.h"

namespace hwnas::quant {
namespace {

using ir::OpKind;
using ir::Shape;

int8_t clamp8(int32_t v, const QuantNode& q) { return static_cast<int8_t>(std::clamp(v, q.act_min, q.act_max)); }

// Integer division rounded half away from zero, as TFLite's average pool and mean do.
int32_t rounded_divide(int32_t acc, int32_t count) {
  return acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
}

// conv2d (grouped or not) and depthwise: TFLite's ConvPerChannel / DepthwiseConvPerChannel.
void conv(const Shape& xs, const int8_t* x, const ir::Node& n, const QuantNode& q, int32_t zp_in, int8_t* y) {
  const ir::Attrs& a = n.attrs;
  const Shape& ys = n.shape;
  const ir::Pads pad = ir::resolve_pads(a, xs.h(), xs.w());
  // A standalone batch_norm is a 1x1 depthwise conv (quantize_model.cc); its attrs are the defaults.
  const bool depthwise = n.op == OpKind::DepthwiseConv2D || n.op == OpKind::BatchNorm;
  const int64_t groups = depthwise ? xs.c() : a.groups;
  const int64_t cin_g = depthwise ? 1 : xs.c() / groups, cout_g = ys.c() / groups;
  for (int64_t b = 0; b < ys.n(); ++b)
    for (int64_t oh = 0; oh < ys.h(); ++oh)
      for (int64_t ow = 0; ow < ys.w(); ++ow)
        for (int64_t co = 0; co < ys.c(); ++co) {
          const int64_t ci0 = (co / cout_g) * cin_g;
          int32_t acc = 0;
          for (int kh = 0; kh < a.kernel_h; ++kh) {
            const int64_t ih = oh * a.stride_h - pad.top + int64_t{kh} * a.dilation_h;
            if (ih < 0 || ih >= xs.h()) continue;  // padding is the zero point: contributes 0
            for (int kw = 0; kw < a.kernel_w; ++kw) {
              const int64_t iw = ow * a.stride_w - pad.left + int64_t{kw} * a.dilation_w;
              if (iw < 0 || iw >= xs.w()) continue;
              const int8_t* xp = x + ((b * xs.h() + ih) * xs.w() + iw) * xs.c() + ci0;
              if (depthwise) {  // kernel [1, kh, kw, C*multiplier]
                acc += int32_t{q.weights[(int64_t{kh} * a.kernel_w + kw) * ys.c() + co]} * (int32_t{xp[0]} - zp_in);
                continue;
              }
              const int8_t* wp = q.weights.data() + ((co * a.kernel_h + kh) * a.kernel_w + kw) * cin_g;
              for (int64_t ci = 0; ci < cin_g; ++ci) acc += int32_t{wp[ci]} * (int32_t{xp[ci]} - zp_in);
            }
          }
          acc += q.bias[co];
          acc = multiply_by_quantized_multiplier(acc, q.out_multipliers[co]);
          y[((b * ys.h() + oh) * ys.w() + ow) * ys.c() + co] = clamp8(acc + q.out.zero_point, q);
        }
}

void fully_connected(const Shape& xs, const int8_t* x, const ir::Node& n, const QuantNode& q, int32_t zp_in,
                     int8_t* y) {
  const int64_t batch = xs[0], in = xs.numel() / batch, units = n.shape[1];
  const bool per_channel = q.out_multipliers.size() > 1;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t u = 0; u < units; ++u) {
      int32_t acc = 0;
      for (int64_t k = 0; k < in; ++k) acc += int32_t{q.weights[u * in + k]} * (int32_t{x[b * in + k]} - zp_in);
      acc += q.bias[u];
      acc = multiply_by_quantized_multiplier(acc, q.out_multipliers[per_channel ? u : 0]);
      y[b * units + u] = clamp8(acc + q.out.zero_point, q);
    }
}

void pool(const Shape& xs, const int8_t* x, const ir::Node& n, const QuantNode& q, int32_t zp_in, int8_t* y) {
  const ir::Attrs& a = n.attrs;
  const Shape& ys = n.shape;
  const ir::Pads pad = ir::resolve_pads(a, xs.h(), xs.w());
  const bool is_max = n.op == OpKind::MaxPool;
  for (int64_t b = 0; b < ys.n(); ++b)
    for (int64_t oh = 0; oh < ys.h(); ++oh)
      for (int64_t ow = 0; ow < ys.w(); ++ow)
        for (int64_t c = 0; c < ys.c(); ++c) {
          int32_t acc = is_max ? -128 : 0, count = 0;
          runtime::for_each_in_window(xs, a, pad, b, oh, ow, c, [&](int64_t i) {
            const int32_t v = x[i];
            acc = is_max ? std::max(acc, v) : acc + v;
            ++count;
          });
          if (!is_max) {
            // TFLite divides by the in-image pixels; count_include_pad=true counts the padded
            // pixels too, each worth the zero point (real 0), and divides by kh*kw.
            if (a.count_include_pad) {
              acc += (a.kernel_h * a.kernel_w - count) * zp_in;
              count = a.kernel_h * a.kernel_w;
            }
            acc = rounded_divide(acc, std::max(count, 1));
          }
          y[((b * ys.h() + oh) * ys.w() + ow) * ys.c() + c] = clamp8(acc, q);
        }
}

void global_avg_pool(const Shape& xs, const int8_t* x, const QuantNode& q, int32_t zp_in, int8_t* y) {
  const int64_t hw = xs.h() * xs.w(), c = xs.c();
  for (int64_t b = 0; b < xs.n(); ++b)
    for (int64_t k = 0; k < c; ++k) {
      int32_t acc = 0;
      for (int64_t i = 0; i < hw; ++i) acc += int32_t{x[(b * hw + i) * c + k]} - zp_in;
      acc = multiply_by_quantized_multiplier(acc, q.out_multipliers[0]);
      acc = rounded_divide(acc, static_cast<int32_t>(hw));
      y[b * c + k] = clamp8(acc + q.out.zero_point, q);
    }
}

// Element-wise over broadcast inputs (runtime/broadcast.h); `f` gets the int8 value of every
// input at one output position.
template <typename F>
void broadcast(const ir::Graph& g, const ir::Node& n, std::span<const int8_t* const> in, int8_t* y, F f) {
  std::vector<int32_t> v(in.size());
  runtime::for_each_broadcast(g, n, [&](int64_t i, std::span<const int64_t> at) {
    for (size_t k = 0; k < in.size(); ++k) v[k] = in[k][at[k]];
    y[i] = f(v);
  });
}

void concat(const QuantizedModel& m, const ir::Node& n, const QuantNode& q, std::span<const int8_t* const> in,
            int8_t* y) {
  const ir::Graph& g = m.graph;
  const int axis = n.attrs.axis < 0 ? n.attrs.axis + n.shape.rank() : n.attrs.axis;
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= n.shape[d];
  for (int d = axis + 1; d < n.shape.rank(); ++d) inner *= n.shape[d];
  const int64_t out_row = n.shape[axis] * inner;
  const float inverse_out_scale = 1.0f / q.out.scale;
  int64_t start = 0;
  for (size_t k = 0; k < in.size(); ++k) {
    const QParams p = m.output_params(n.inputs[k]);
    const int64_t row = g.node(n.inputs[k]).shape[axis] * inner;
    const bool same = p.scale == q.out.scale && p.zero_point == q.out.zero_point;
    const float scale = p.scale * inverse_out_scale, bias = static_cast<float>(-p.zero_point) * scale;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < row; ++j) {
        const int8_t v = in[k][o * row + j];
        y[o * out_row + start + j] =
            same ? v
                 : clamp8(static_cast<int32_t>(std::round(static_cast<float>(v) * scale + bias)) + q.out.zero_point, q);
      }
    start += row;
  }
}

// TFLite's int8 SOFTMAX over the last axis (optimized_ops::Softmax after PopulateSoftmaxLookupTable,
// beta 1): a float table of exp(-s_in * d) for each of the 256 distances d of a code below its
// row's largest, the row's sum of it, and each probability rounded to the output's 1/256 steps.
void softmax(const Shape& ys, const int8_t* x, float in_scale, const QuantNode& q, int8_t* y) {
  float table[256];
  for (int d = 0; d < 256; ++d) table[d] = std::exp(-in_scale * static_cast<float>(d));
  const int64_t last = ys[ys.rank() - 1], rows = ys.numel() / last;
  for (int64_t r = 0; r < rows; ++r, x += last, y += last) {
    const int32_t max = *std::max_element(x, x + last);
    float sum = 0.0f;
    for (int64_t j = 0; j < last; ++j) sum += table[max - x[j]];
    const float inverse = 1.0f / (sum * q.out.scale);
    for (int64_t j = 0; j < last; ++j)
      y[j] = clamp8(static_cast<int32_t>(std::round(table[max - x[j]] * inverse)) + q.out.zero_point, q);
  }
}

void pad(const Shape& xs, const int8_t* x, const ir::Node& n, const QuantNode& q, int8_t* y) {
  const Shape& ys = n.shape;
  std::fill_n(y, ys.numel(), quantize_value(n.attrs.value, q.out));
  for (int64_t b = 0; b < xs.n(); ++b)
    for (int64_t h = 0; h < xs.h(); ++h)
      std::copy_n(x + (b * xs.h() + h) * xs.w() * xs.c(), xs.w() * xs.c(),
                  y + ((b * ys.h() + h + n.attrs.pad_top) * ys.w() + n.attrs.pad_left) * ys.c());
}

}  // namespace

void int8_node(const QuantizedModel& m, int id, std::span<const int8_t* const> in, int8_t* y) {
  const ir::Graph& g = m.graph;
  const ir::Node& n = g.node(id);
  const QuantNode& q = m.nodes.at(id);
  if (in.size() != n.inputs.size())
    fail(g.describe(id), "int8 kernel got {} input buffers for {} inputs", in.size(), n.inputs.size());
  if (n.op == OpKind::Input || q.alias_of >= 0)
    fail(g.describe(id), "has no int8 kernel to run (graph input, folded batch_norm or fused activation)");
  const Shape& xs = n.inputs.empty() ? n.shape : g.node(n.inputs[0]).shape;
  const int8_t* x = in.empty() ? nullptr : in[0];
  const int32_t zp_in = n.inputs.empty() ? 0 : m.output_params(n.inputs[0]).zero_point;
  const int64_t count = n.shape.numel();
  switch (n.op) {
    case OpKind::Conv2D:
    case OpKind::DepthwiseConv2D:
    case OpKind::BatchNorm:
      return conv(xs, x, n, q, zp_in, y);
    case OpKind::FullyConnected:
      return fully_connected(xs, x, n, q, zp_in, y);
    case OpKind::Relu:
    case OpKind::Relu6:
      for (int64_t i = 0; i < count; ++i)
        y[i] =
            clamp8(q.out.zero_point + multiply_by_quantized_multiplier(int32_t{x[i]} - zp_in, q.out_multipliers[0]), q);
      return;
    case OpKind::Sigmoid:
    case OpKind::HardSigmoid:
    case OpKind::Swish:
    case OpKind::HardSwish:
      for (int64_t i = 0; i < count; ++i) y[i] = q.lut[int32_t{x[i]} + 128];
      return;
    case OpKind::Add: {
      std::vector<int32_t> zp;
      for (int x_id : n.inputs) zp.push_back(m.output_params(x_id).zero_point);
      return broadcast(g, n, in, y, [&](const std::vector<int32_t>& v) {
        int32_t sum = 0;
        for (size_t k = 0; k < v.size(); ++k)
          sum += multiply_by_quantized_multiplier((v[k] - zp[k]) * (1 << q.left_shift), q.in_multipliers[k]);
        return clamp8(multiply_by_quantized_multiplier(sum, q.out_multipliers[0]) + q.out.zero_point, q);
      });
    }
    case OpKind::Mul: {
      const int32_t zp1 = m.output_params(n.inputs[1]).zero_point;
      return broadcast(g, n, in, y, [&](const std::vector<int32_t>& v) {
        return clamp8(multiply_by_quantized_multiplier((v[0] - zp_in) * (v[1] - zp1), q.out_multipliers[0]) +
                          q.out.zero_point,
                      q);
      });
    }
    case OpKind::AvgPool:
    case OpKind::MaxPool:
      return pool(xs, x, n, q, zp_in, y);
    case OpKind::GlobalAvgPool:
      return global_avg_pool(xs, x, q, zp_in, y);
    case OpKind::Reshape:
    case OpKind::Flatten:
      std::copy_n(x, count, y);
      return;
    case OpKind::Concat:
      return concat(m, n, q, in, y);
    case OpKind::Pad:
      return pad(xs, x, n, q, y);
    case OpKind::Zero:
      std::fill_n(y, count, static_cast<int8_t>(q.out.zero_point));
      return;
    case OpKind::Softmax:
      return softmax(n.shape, x, m.output_params(n.inputs[0]).scale, q, y);
    case OpKind::Input:
    case OpKind::Resize:
      break;
  }
  fail(g.describe(id), "not supported in int8: {}", ir::op_name(n.op));
}

}  // namespace hwnas::quant
