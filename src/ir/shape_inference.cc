#include "hwnas/ir/shape_inference.h"

#include <string>

#include "hwnas/core/error.h"
#include "hwnas/ir/op_traits.h"

namespace hwnas::ir {
namespace {

std::string where_str(std::string_view w) { return std::string(w); }

void expect_inputs(std::span<const Shape> in, size_t lo, size_t hi, OpKind op, std::string_view where) {
  if (in.size() < lo || in.size() > hi) {
    if (lo == hi) fail(where_str(where), "{} takes {} input(s), got {}", op_name(op), lo, in.size());
    fail(where_str(where), "{} takes at least {} inputs, got {}", op_name(op), lo, in.size());
  }
}

void expect_rank4(const Shape& s, OpKind op, std::string_view where) {
  if (s.rank() != 4) fail(where_str(where), "{} expects an NHWC input of rank 4, got {}", op_name(op), s.str());
}

void expect_positive(int v, const char* what, std::string_view where) {
  if (v <= 0) fail(where_str(where), "{} must be positive, got {}", what, v);
}

// One spatial dimension of a sliding window (conv or pool).
int64_t window_out(int64_t in, int k, int s, int d, int64_t pad_total, Padding p, const char* axis,
                   std::string_view where) {
  const int64_t ek = static_cast<int64_t>(k - 1) * d + 1;
  int64_t out;
  if (p == Padding::Same) {
    out = (in + s - 1) / s;
  } else {
    const int64_t padded = in + (p == Padding::Explicit ? pad_total : 0);
    if (padded < ek)
      fail(where_str(where), "{} of {} (padded: {}) is smaller than the kernel extent {}", axis, in, padded, ek);
    out = (padded - ek) / s + 1;
  }
  if (out <= 0) fail(where_str(where), "output {} would be {}", axis, out);
  return out;
}

Shape window_shape(const Shape& x, const Attrs& a, int64_t out_c, std::string_view where) {
  expect_positive(a.kernel_h, "kernel height", where);
  expect_positive(a.kernel_w, "kernel width", where);
  expect_positive(a.stride_h, "stride", where);
  expect_positive(a.stride_w, "stride", where);
  expect_positive(a.dilation_h, "dilation", where);
  expect_positive(a.dilation_w, "dilation", where);
  if (a.pad_top < 0 || a.pad_left < 0 || a.pad_bottom < 0 || a.pad_right < 0)
    fail(where_str(where), "pads must not be negative");
  // Pads summed in int64: two pads near INT_MAX overflowed int (fuzz/graph_json_fuzzer.cc).
  const int64_t h = window_out(x.h(), a.kernel_h, a.stride_h, a.dilation_h, int64_t{a.pad_top} + a.pad_bottom,
                               a.padding, "height", where);
  const int64_t w = window_out(x.w(), a.kernel_w, a.stride_w, a.dilation_w, int64_t{a.pad_left} + a.pad_right,
                               a.padding, "width", where);
  return Shape{x.n(), h, w, out_c};
}

Shape broadcast(std::span<const Shape> in, std::string_view where) {
  Shape out = in[0];
  for (size_t i = 1; i < in.size(); ++i) {
    const Shape& s = in[i];
    if (s.rank() != out.rank())
      fail(where_str(where), "input shapes {} and {} have different ranks", out.str(), s.str());
    for (int d = 0; d < s.rank(); ++d) {
      if (s[d] == out[d] || s[d] == 1) continue;
      if (out[d] == 1) {
        out[d] = s[d];
        continue;
      }
      fail(where_str(where), "input shapes {} and {} do not broadcast (dimension {})", in[0].str(), s.str(), d);
    }
  }
  return out;
}

int normalize_axis(int axis, int rank, std::string_view where) {
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(where_str(where), "axis {} is out of range for rank {}", axis, rank);
  return a;
}

Shape infer_shape_of(OpKind op, const Attrs& a, std::span<const Shape> in, std::string_view where) {
  const OpTraits& t = traits(op);
  expect_inputs(in, t.min_inputs, t.max_inputs, op, where);
  switch (t.shape) {
    case ShapeRule::Input: {
      if (a.shape.rank() == 0) fail(where_str(where), "input needs a shape");
      for (int i = 0; i < a.shape.rank(); ++i)
        if (a.shape[i] <= 0) fail(where_str(where), "input shape {} has a non-positive dimension", a.shape.str());
      return a.shape;
    }
    case ShapeRule::Conv: {
      expect_rank4(in[0], op, where);
      expect_positive(a.out_channels, "out_channels", where);
      expect_positive(a.groups, "groups", where);
      if (in[0].c() % a.groups != 0 || a.out_channels % a.groups != 0)
        fail(where_str(where), "groups={} must divide input channels ({}) and out_channels ({})", a.groups, in[0].c(),
             a.out_channels);
      return window_shape(in[0], a, a.out_channels, where);
    }
    case ShapeRule::Depthwise: {
      expect_rank4(in[0], op, where);
      expect_positive(a.multiplier, "multiplier", where);
      return window_shape(in[0], a, in[0].c() * a.multiplier, where);
    }
    case ShapeRule::Pool: {
      expect_rank4(in[0], op, where);
      Attrs pool = a;
      pool.dilation_h = pool.dilation_w = 1;
      return window_shape(in[0], pool, in[0].c(), where);
    }
    case ShapeRule::Dense: {
      if (in[0].rank() < 2) fail(where_str(where), "{} expects rank >= 2, got {}", op_name(op), in[0].str());
      expect_positive(a.out_channels, "units", where);
      return Shape{in[0][0], a.out_channels};
    }
    case ShapeRule::SameAsInput:
      if (t.attr_fields & kAxis) normalize_axis(a.axis, in[0].rank(), where);
      return in[0];
    case ShapeRule::Broadcast:
      return broadcast(in, where);
    case ShapeRule::Concat: {
      const int axis = normalize_axis(a.axis, in[0].rank(), where);
      Shape out = in[0];
      for (size_t i = 1; i < in.size(); ++i) {
        bool ok = in[i].rank() == out.rank();
        for (int d = 0; ok && d < out.rank(); ++d) ok = d == axis || in[i][d] == out[d];
        if (!ok)
          fail(where_str(where), "input {} has shape {}, which does not match {} outside axis {}", i, in[i].str(),
               in[0].str(), axis);
        out[axis] += in[i][axis];
      }
      return out;
    }
    case ShapeRule::GlobalPool:
      expect_rank4(in[0], op, where);
      return Shape{in[0].n(), 1, 1, in[0].c()};
    case ShapeRule::Reshape: {
      Shape out = a.shape;
      int infer = -1;
      int64_t known = 1;
      for (int i = 0; i < out.rank(); ++i) {
        if (out[i] == -1) {
          if (infer >= 0) fail(where_str(where), "reshape target {} has more than one -1", out.str());
          infer = i;
        } else if (out[i] <= 0) {
          fail(where_str(where), "reshape target {} has a non-positive dimension", out.str());
        } else {
          known *= out[i];
        }
      }
      if (out.rank() == 0) fail(where_str(where), "reshape needs a target shape");
      if (infer >= 0 && known > 0 && in[0].numel() % known == 0) out[infer] = in[0].numel() / known;
      if (out.numel() != in[0].numel())
        fail(where_str(where), "cannot reshape {} ({} elements) to {}", in[0].str(), in[0].numel(), a.shape.str());
      return out;
    }
    case ShapeRule::Flatten:
      if (in[0].rank() < 1) fail(where_str(where), "flatten needs a batch dimension");
      return Shape{in[0][0], in[0].numel() / in[0][0]};
    case ShapeRule::Pad: {
      expect_rank4(in[0], op, where);
      if (a.pad_top < 0 || a.pad_left < 0 || a.pad_bottom < 0 || a.pad_right < 0)
        fail(where_str(where), "pads must not be negative");
      return Shape{in[0].n(), in[0].h() + a.pad_top + a.pad_bottom, in[0].w() + a.pad_left + a.pad_right, in[0].c()};
    }
    case ShapeRule::Resize:
      expect_rank4(in[0], op, where);
      expect_positive(a.out_h, "output height", where);
      expect_positive(a.out_w, "output width", where);
      return Shape{in[0].n(), a.out_h, a.out_w, in[0].c()};
  }
  fail(where_str(where), "unknown operator");
}

}  // namespace

Shape infer_shape(OpKind op, const Attrs& a, std::span<const Shape> in, std::string_view where) {
  const Shape out = infer_shape_of(op, a, in, where);
  // Bounded so that element and byte counts (Shape::numel, stats, planners) cannot overflow
  // int64: huge pads or upsampling factors from a graph file did (fuzz/graph_json_fuzzer.cc).
  int64_t n = 1;
  for (int i = 0; i < out.rank(); ++i) {
    if (out[i] > 0 && n > (int64_t{1} << 40) / out[i])
      fail(where_str(where), "the output shape {} has more than 2^40 elements; no real tensor is that large",
           out.str());
    n *= out[i];
  }
  return out;
}

Pads resolve_pads(const Attrs& a, int64_t in_h, int64_t in_w) {
  switch (a.padding) {
    case Padding::Valid:
      return {};
    case Padding::Explicit:
      return {a.pad_top, a.pad_left, a.pad_bottom, a.pad_right};
    case Padding::Same: {
      auto total = [](int64_t in, int k, int s, int d) {
        const int64_t out = (in + s - 1) / s;
        const int64_t need = (out - 1) * s + static_cast<int64_t>(k - 1) * d + 1 - in;
        return static_cast<int>(need > 0 ? need : 0);
      };
      const int th = total(in_h, a.kernel_h, a.stride_h, a.dilation_h);
      const int tw = total(in_w, a.kernel_w, a.stride_w, a.dilation_w);
      return {th / 2, tw / 2, th - th / 2, tw - tw / 2};
    }
  }
  return {};
}

}  // namespace hwnas::ir
