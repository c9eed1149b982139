#pragma once
// The layout facts shared by everything that runs an ir::Graph in NCHW (the ONNX exporter and
// the libtorch backend): hwnas graphs are NHWC, ONNX and PyTorch convolutions are NCHW, so a
// rank-4 tensor [N,H,W,C] becomes [N,C,H,W] and every attribute or weight that depends on the
// layout is mapped here, once. Tensors of other ranks ([N,F], SSD's [N,boxes,4]) keep theirs.
//
//   interop::to_nchw({1, 56, 56, 24});          // [1,24,56,56]
//   interop::nchw_axis(-1, 4);                  // 1: NHWC's channel axis
//   interop::nchw_fc_kernel(in, w.kernel, 10);  // FC columns reordered for an NCHW flatten
#include <cstdint>
#include <span>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::interop {

// [N,H,W,C] -> [N,C,H,W]; other ranks unchanged.
ir::Shape to_nchw(const ir::Shape& s);
// The dimensions as a vector, the form ONNX and libtorch take them in.
std::vector<int64_t> dims_of(const ir::Shape& s);

// An axis of the IR tensor (negative counts from the end) -> the same axis of its NCHW form.
// Rank 4: N->0, H->2, W->3, C->1; other ranks: the normalised axis.
int nchw_axis(int axis, int rank);

// Whether flattening the NCHW form of a tensor of (NHWC) shape `s` orders its elements
// differently from flattening it in NHWC: rank 4 with H*W > 1 and C > 1. When it does not,
// the two forms are the same bytes and a reshape needs no transpose.
bool flatten_order_differs(const ir::Shape& s);

// Convolution kernels in the OIHW layout of ONNX Conv and torch::conv2d:
//   conv2d           [Cout, kh, kw, Cin/g] -> [Cout, Cin/g, kh, kw]
//   depthwise_conv2d [1, kh, kw, C*m]      -> [C*m, 1, kh, kw]  (a conv with groups = C)
ir::Shape oihw_shape(const ir::Graph& g, int id);
std::vector<float> oihw_kernel(const ir::Graph& g, int id, std::span<const float> kernel);
// The groups of that convolution: attrs.groups, or the input channels for depthwise.
int64_t conv_groups(const ir::Graph& g, int id);

// A fully_connected kernel [units, in_features] whose columns follow the NHWC flattening of
// an input of shape `in`, reordered to follow the NCHW flattening of the same input
// (column (h*W + w)*C + c moves to (c*H + h)*W + w). Unchanged unless flatten_order_differs(in).
std::vector<float> nchw_fc_kernel(const ir::Shape& in, std::span<const float> kernel, int64_t units);

// Copies a tensor of (NHWC) shape `s` between its NHWC and NCHW element orders, as backends
// that run NCHW do at their boundary. Ranks other than 4 are copied as they are.
void copy_nhwc_to_nchw(const ir::Shape& s, const float* nhwc, float* nchw);
void copy_nchw_to_nhwc(const ir::Shape& s, const float* nchw, float* nhwc);

}  // namespace hwnas::interop
