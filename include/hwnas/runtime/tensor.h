#pragma once
// runtime::Tensor: a dense fp32 tensor (NHWC for images) that owns its data. The unit of
// exchange between weights, backends and files; kernels work on spans of its data.
//
//   runtime::Tensor t(ir::Shape{1, 4, 4, 3});   // zero-filled
//   t.data[t.offset4(0, 1, 2, 0)] = 1.0f;        // element (n=0, h=1, w=2, c=0)
#include <cstdint>
#include <span>
#include <vector>

#include "hwnas/ir/shape.h"

namespace hwnas::runtime {

struct Tensor {
  ir::Shape shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(const ir::Shape& s) : shape(s), data(static_cast<size_t>(s.numel()), 0.0f) {}
  Tensor(const ir::Shape& s, std::vector<float> values);  // throws if sizes differ

  int64_t numel() const { return static_cast<int64_t>(data.size()); }
  // Flat index of (n, h, w, c) in a rank-4 NHWC tensor.
  int64_t offset4(int64_t n, int64_t h, int64_t w, int64_t c) const {
    return ((n * shape[1] + h) * shape[2] + w) * shape[3] + c;
  }
  std::span<const float> span() const { return data; }

  bool operator==(const Tensor&) const = default;
};

// max_i |a_i - b_i| / max_i |b_i|: the error of `a` against the oracle `b`, relative to the
// oracle's largest magnitude (element-wise ratios would blow up on outputs that cancel to
// ~0). NaN in either gives NaN; an all-zero oracle gives the absolute error.
double max_relative_error(std::span<const float> a, std::span<const float> b);

}  // namespace hwnas::runtime
