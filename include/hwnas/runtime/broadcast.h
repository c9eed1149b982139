#pragma once
// The element-wise ops' broadcasting, written once for every kernel set (the fp32 reference
// kernels, quant's int8 kernels): inputs of the output's rank whose every dimension is the
// output's or 1 (ir/shape_inference.h checks that).
//
//   runtime::for_each_broadcast(g, node, [&](int64_t i, std::span<const int64_t> at) {
//     y[i] = x0[at[0]] + x1[at[1]];
//   });
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::runtime {

// Calls f(i, at) for every element i of node n's output, in row-major order; at[k] is the
// element of input k that position reads.
template <typename F>
void for_each_broadcast(const ir::Graph& g, const ir::Node& n, F f) {
  const ir::Shape& ys = n.shape;
  const int r = ys.rank();
  const size_t inputs = n.inputs.size();
  std::vector<std::array<int64_t, ir::Shape::kMaxRank>> strides(inputs);
  for (size_t k = 0; k < inputs; ++k) {
    const ir::Shape& s = g.node(n.inputs[k]).shape;
    int64_t st = 1;
    for (int d = r - 1; d >= 0; --d) {
      strides[k][d] = s[d] == 1 ? 0 : st;
      st *= s[d];
    }
  }
  std::array<int64_t, ir::Shape::kMaxRank> idx{};
  std::vector<int64_t> at(inputs);
  for (int64_t i = 0; i < ys.numel(); ++i) {
    for (size_t k = 0; k < inputs; ++k) {
      at[k] = 0;
      for (int d = 0; d < r; ++d) at[k] += idx[d] * strides[k][d];
    }
    f(i, std::span<const int64_t>(at));
    for (int d = r - 1; d >= 0 && ++idx[d] == ys[d]; --d) idx[d] = 0;
  }
}

}  // namespace hwnas::runtime
