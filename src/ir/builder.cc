#include "hwnas/ir/builder.h"

#include <fmt/format.h>

namespace hwnas::ir {

GraphBuilder::Scope::Scope(GraphBuilder* b, std::string_view name) : b_(b), prev_len_(b->prefix_.size()) {
  b_->prefix_.append(name).push_back('.');
}

GraphBuilder::Scope::~Scope() { b_->prefix_.resize(prev_len_); }

std::string GraphBuilder::full_name(OpKind op, std::string_view name) {
  std::string base = prefix_ + std::string(name.empty() ? op_name(op) : name);
  if (!graph_.find(base)) return base;
  for (int k = 2;; ++k) {
    std::string candidate = fmt::format("{}_{}", base, k);
    if (!graph_.find(candidate)) return candidate;
  }
}

int GraphBuilder::node(OpKind op, std::vector<int> inputs, const Attrs& attrs, std::string_view name) {
  return graph_.add(op, std::move(inputs), attrs, full_name(op, name));
}

int GraphBuilder::unary(OpKind op, int x, std::string_view name) { return node(op, {x}, Attrs{}, name); }

int GraphBuilder::input(Shape shape, std::string name, DType dtype) {
  Attrs a;
  a.shape = shape;
  return graph_.add(OpKind::Input, {}, a, prefix_ + name, dtype);
}

namespace {

Attrs window_attrs(int kernel_h, int kernel_w, int stride_h, int stride_w, const ConvOptions& o) {
  Attrs a;
  a.kernel_h = kernel_h;
  a.kernel_w = kernel_w;
  a.stride_h = stride_h;
  a.stride_w = stride_w;
  a.dilation_h = a.dilation_w = o.dilation;
  a.padding = o.padding;
  if (o.padding == Padding::Explicit) {
    a.pad_top = a.pad_bottom = (kernel_h - 1) / 2 * o.dilation;
    a.pad_left = a.pad_right = (kernel_w - 1) / 2 * o.dilation;
  }
  a.bias = o.bias;
  return a;
}

}  // namespace

int GraphBuilder::conv(int x, int out_channels, int kernel, int stride, ConvOptions o, std::string_view name) {
  Attrs a = window_attrs(kernel, o.kernel_w ? o.kernel_w : kernel, stride, o.stride_w ? o.stride_w : stride, o);
  a.out_channels = out_channels;
  a.groups = o.groups;
  return node(OpKind::Conv2D, {x}, a, name.empty() ? "conv" : name);
}

int GraphBuilder::depthwise(int x, int kernel, int stride, ConvOptions o, std::string_view name) {
  Attrs a = window_attrs(kernel, o.kernel_w ? o.kernel_w : kernel, stride, o.stride_w ? o.stride_w : stride, o);
  return node(OpKind::DepthwiseConv2D, {x}, a, name.empty() ? "dw" : name);
}

int GraphBuilder::fc(int x, int units, bool bias, std::string_view name) {
  Attrs a;
  a.out_channels = units;
  a.bias = bias;
  return node(OpKind::FullyConnected, {x}, a, name.empty() ? "fc" : name);
}

int GraphBuilder::batch_norm(int x, float epsilon, std::string_view name) {
  Attrs a;
  a.epsilon = epsilon;
  return node(OpKind::BatchNorm, {x}, a, name.empty() ? "bn" : name);
}

int GraphBuilder::add(std::vector<int> xs, std::string_view name) { return node(OpKind::Add, std::move(xs), {}, name); }

int GraphBuilder::mul(int a, int b, std::string_view name) { return node(OpKind::Mul, {a, b}, {}, name); }

int GraphBuilder::concat(std::vector<int> xs, int axis, std::string_view name) {
  Attrs a;
  a.axis = axis;
  return node(OpKind::Concat, std::move(xs), a, name);
}

int GraphBuilder::avg_pool(int x, int kernel, int stride, int pad, bool count_include_pad, std::string_view name) {
  Attrs a = window_attrs(kernel, kernel, stride, stride, {});
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = pad;
  a.count_include_pad = count_include_pad;
  return node(OpKind::AvgPool, {x}, a, name);
}

int GraphBuilder::max_pool(int x, int kernel, int stride, int pad, std::string_view name) {
  Attrs a = window_attrs(kernel, kernel, stride, stride, {});
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = pad;
  return node(OpKind::MaxPool, {x}, a, name);
}

int GraphBuilder::reshape(int x, Shape target, std::string_view name) {
  Attrs a;
  a.shape = target;
  return node(OpKind::Reshape, {x}, a, name);
}

int GraphBuilder::softmax(int x, int axis, std::string_view name) {
  Attrs a;
  a.axis = axis;
  return node(OpKind::Softmax, {x}, a, name);
}

int GraphBuilder::pad(int x, int top, int left, int bottom, int right, float value, std::string_view name) {
  Attrs a;
  a.pad_top = top, a.pad_left = left, a.pad_bottom = bottom, a.pad_right = right;
  a.value = value;
  return node(OpKind::Pad, {x}, a, name);
}

int GraphBuilder::resize(int x, int out_h, int out_w, ResizeMode mode, bool align_corners, std::string_view name) {
  Attrs a;
  a.out_h = out_h, a.out_w = out_w, a.mode = mode, a.align_corners = align_corners;
  return node(OpKind::Resize, {x}, a, name);
}

Graph GraphBuilder::finish(std::vector<int> outputs) {
  graph_.set_outputs(std::move(outputs));
  return std::move(graph_);
}

}  // namespace hwnas::ir
