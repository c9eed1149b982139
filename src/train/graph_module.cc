#include "hwnas/train/graph_module.h"

#include <cmath>
#include <limits>
#include <map>

#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/interop/nchw.h"
#include "hwnas/interop/torch_ops.h"
#include "hwnas/ir/shape_inference.h"

namespace hwnas::train {
namespace {

using interop::dims_of;
using interop::flatten_order_differs;
using ir::OpKind;

// reference_kernels.h's nearest resize (the torch backend computes the same indices): floor(dst*in/out),
// or with align_corners round(dst*(in-1)/(out-1)).
torch::Tensor nearest_indices(int64_t in, int64_t out, bool align_corners) {
  std::vector<int64_t> idx(static_cast<size_t>(out));
  for (int64_t d = 0; d < out; ++d) {
    const int64_t s =
        align_corners ? std::llround(out > 1 ? static_cast<double>(d) * (in - 1) / (out - 1) : 0.0) : d * in / out;
    idx[static_cast<size_t>(d)] = std::min(s, in - 1);
  }
  return torch::tensor(idx, torch::kInt64);
}

torch::Tensor to_torch(const runtime::Tensor& t) {
  return torch::tensor(t.data, torch::kFloat32).reshape(dims_of(t.shape));
}

// The graph's dims with its batch (1) replaced by the running batch n.
std::vector<int64_t> with_batch(std::vector<int64_t> dims, int64_t n) {
  if (!dims.empty()) dims[0] = n;
  return dims;
}

}  // namespace

GraphModule::GraphModule(const ir::Graph& g, uint64_t seed) : g_(g) {
  build(runtime::init_weights(g, {.seed = seed, .scheme = runtime::InitScheme::TorchDefault}));
}

GraphModule::GraphModule(const ir::Graph& g, const runtime::Weights& w) : g_(g) {
  runtime::check_weights(g, w);
  build(w);
}

torch::nn::Module& GraphModule::owner_of(const std::string& node_name) {
  // torch forbids dots in parameter and module names; "a.b.c" becomes submodule a, its
  // submodule b, its submodule c, so that named_parameters() prints "a.b.c.<role>".
  torch::nn::Module* m = this;
  std::string prefix;
  size_t start = 0;
  while (start <= node_name.size()) {
    size_t dot = node_name.find('.', start);
    if (dot == std::string::npos) dot = node_name.size();
    std::string part = node_name.substr(start, dot - start);
    if (part.empty()) part = "_";
    prefix += (prefix.empty() ? "" : ".") + part;
    auto children = m->named_children();
    if (const auto* found = children.find(part)) {
      m = found->get();
    } else {
      auto child = std::make_shared<torch::nn::Module>(part);
      owners_.push_back(child);
      m->register_module(part, child);
      m = child.get();
    }
    start = dot + 1;
  }
  return *m;
}

void GraphModule::build(const runtime::Weights& w) {
  live_ = g_.live();
  state_.resize(g_.size());
  for (int id = 0; id < g_.size(); ++id) {
    const ir::Node& n = g_.node(id);
    const ir::Attrs& a = n.attrs;
    NodeState& st = state_[id];
    try {
      if (ir::has_weights(n.op)) {
        torch::nn::Module& owner = owner_of(n.name);
        for (const auto& [role, shape] : runtime::expected_weights(g_, id)) {
          torch::Tensor t = to_torch(w.at(n.name, role));
          const bool buffer = role == "mean" || role == "var";
          t = buffer ? owner.register_buffer(role, t) : owner.register_parameter(role, t);
          slots_.push_back({id, role, t});
          if (role == "kernel") st.kernel = t;
          if (role == "bias") st.bias = t;
          if (role == "gamma") st.gamma = t;
          if (role == "beta") st.beta = t;
          if (role == "mean") st.mean = t;
          if (role == "var") st.var = t;
        }
      }
      if (n.op == OpKind::Conv2D || n.op == OpKind::DepthwiseConv2D || n.op == OpKind::AvgPool ||
          n.op == OpKind::MaxPool) {
        // Symmetric pads go to the kernel, others become an explicit pad; torch pools accept a
        // padding of at most half the kernel (the torch backend's rule).
        const ir::Shape& xs = g_.node(n.inputs.at(0)).shape;
        const ir::Pads p = ir::resolve_pads(a, xs.h(), xs.w());
        const bool pool = n.op == OpKind::AvgPool || n.op == OpKind::MaxPool;
        const bool symmetric =
            p.top == p.bottom && p.left == p.right && (!pool || (2 * p.top <= a.kernel_h && 2 * p.left <= a.kernel_w));
        if (symmetric) {
          st.sym_pad = {p.top, p.left};
        } else {
          st.pad = {p.left, p.right, p.top, p.bottom};
          st.sym_pad = {0, 0};
        }
        if (n.op == OpKind::AvgPool && !st.pad.empty() && !a.count_include_pad) {
          // The explicit zero pad counts in the average: rescale by kh*kw over the in-image count.
          torch::NoGradGuard no_grad;
          torch::Tensor ones = torch::constant_pad_nd(torch::ones({1, 1, xs.h(), xs.w()}), st.pad, 0.0);
          st.pool_scale = 1.0 / torch::avg_pool2d(ones, {a.kernel_h, a.kernel_w}, {a.stride_h, a.stride_w});
        }
      }
      if (n.op == OpKind::Resize && a.mode == ir::ResizeMode::Nearest) {
        const ir::Shape& xs = g_.node(n.inputs.at(0)).shape;
        st.index_h = nearest_indices(xs.h(), a.out_h, a.align_corners);
        st.index_w = nearest_indices(xs.w(), a.out_w, a.align_corners);
      }
    } catch (const Error& e) {
      throw e.within("train::GraphModule: " + g_.describe(id));
    } catch (const std::exception& e) {
      fail("train::GraphModule: " + g_.describe(id), "libtorch rejected the weights: {}", e.what());
    }
  }
}

torch::Tensor GraphModule::forward(const torch::Tensor& x_nhwc) { return forward_all(x_nhwc).at(0); }

torch::Tensor GraphModule::forward(const torch::Tensor& x_nhwc, std::vector<torch::Tensor>* activations) {
  return forward_all(x_nhwc, activations).at(0);
}

std::vector<torch::Tensor> GraphModule::forward_all(const torch::Tensor& x_nhwc,
                                                    std::vector<torch::Tensor>* activations) {
  const std::vector<int> in_ids = g_.inputs();
  if (in_ids.size() != 1)
    fail("train::GraphModule, graph '" + g_.name() + "'", "has {} inputs; forward() takes graphs with one",
         in_ids.size());
  const ir::Shape& s = g_.node(in_ids[0]).shape;
  std::vector<int64_t> want = dims_of(s);
  if (x_nhwc.dim() != s.rank() ||
      !std::equal(want.begin() + 1, want.end(), x_nhwc.sizes().begin() + 1, x_nhwc.sizes().end()))
    fail("train::GraphModule, graph '" + g_.name() + "'", "input is {}, the graph takes [N,{}]",
         fmt::format("{}", fmt::join(x_nhwc.sizes(), ",")),
         fmt::format("{}", fmt::join(want.begin() + 1, want.end(), ",")));
  std::vector<torch::Tensor> values(g_.size());
  values[in_ids[0]] = s.rank() == 4 ? x_nhwc.permute({0, 3, 1, 2}) : x_nhwc;
  try {
    if (hook_) {
      hook_->begin();
      values[in_ids[0]] = hook_->output(in_ids[0], values[in_ids[0]]);
    }
    for (int id = 0; id < g_.size(); ++id) {
      const ir::Node& n = g_.node(id);
      if (n.op == OpKind::Input || !live_[id]) continue;
      values[id] = run(id, values);
      if (hook_) values[id] = hook_->output(id, values[id]);
      if (activations && ir::is_activation(n.op))
        activations->push_back(n.shape.rank() == 4 ? values[id].permute({0, 2, 3, 1}) : values[id]);
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail("train::GraphModule, graph '" + g_.name() + "'", "libtorch failed: {}", e.what());
  }
  std::vector<torch::Tensor> out;
  for (int id : g_.outputs())
    out.push_back(g_.node(id).shape.rank() == 4 ? values[id].permute({0, 2, 3, 1}) : values[id]);
  return out;
}

// Reshape/flatten with NHWC element order (the torch backend's and onnx_export.cc's rule).
torch::Tensor GraphModule::reshape(int id, const torch::Tensor& input) const {
  const ir::Node& n = g_.node(id);
  const int64_t batch = input.size(0);
  torch::Tensor x = input;
  if (flatten_order_differs(g_.node(n.inputs.at(0)).shape)) x = x.permute({0, 2, 3, 1});
  if (!flatten_order_differs(n.shape)) return x.reshape(with_batch(dims_of(interop::to_nchw(n.shape)), batch));
  return x.reshape(with_batch(dims_of(n.shape), batch)).permute({0, 3, 1, 2});
}

torch::Tensor GraphModule::run(int id, const std::vector<torch::Tensor>& values) {
  const ir::Node& n = g_.node(id);
  const ir::Attrs& a = n.attrs;
  auto in = [&](size_t k) -> const torch::Tensor& { return values[n.inputs.at(k)]; };
  const torch::Tensor& x = in(0);
  NodeState hooked;  // the node's tensors with the hook's replacements
  if (hook_ && ir::has_weights(n.op)) {
    const ForwardHook::Layer l = hook_->layer(id);
    if (l.identity) return x;
    if (l.kernel.defined()) {
      if (n.op == OpKind::BatchNorm) {  // the inference form y = x * scale[c] + shift[c]
        const std::vector<int64_t> per_channel =
            x.dim() == 4 ? std::vector<int64_t>{1, -1, 1, 1} : std::vector<int64_t>{1, -1};
        return x * l.kernel.reshape(per_channel) + l.bias.reshape(per_channel);
      }
      hooked = state_[id];
      hooked.kernel = l.kernel;
      hooked.bias = l.bias;
    }
  }
  const NodeState& st = hooked.kernel.defined() ? hooked : state_[id];
  auto padded = [&](double value) { return st.pad.empty() ? x : torch::constant_pad_nd(x, st.pad, value); };
  switch (n.op) {
    case OpKind::Conv2D:  // [Cout,kh,kw,Cin/g] -> OIHW
      return torch::conv2d(padded(0.0), st.kernel.permute({0, 3, 1, 2}), st.bias, {a.stride_h, a.stride_w}, st.sym_pad,
                           {a.dilation_h, a.dilation_w}, interop::conv_groups(g_, id));
    case OpKind::DepthwiseConv2D:  // [1,kh,kw,C*m] -> [C*m,1,kh,kw], groups = C
      return torch::conv2d(padded(0.0), st.kernel.permute({3, 0, 1, 2}), st.bias, {a.stride_h, a.stride_w}, st.sym_pad,
                           {a.dilation_h, a.dilation_w}, interop::conv_groups(g_, id));
    case OpKind::FullyConnected: {  // the kernel's columns follow the NHWC flattening of the input
      const torch::Tensor flat = x.dim() == 4 && flatten_order_differs(g_.node(n.inputs[0]).shape)
                                     ? x.permute({0, 2, 3, 1}).flatten(1)
                                     : x.flatten(1);
      return torch::linear(flat, st.kernel, st.bias);
    }
    case OpKind::BatchNorm:
      return torch::batch_norm(x, st.gamma, st.beta, st.mean, st.var, is_training(), /*momentum=*/0.1, a.epsilon,
                               /*cudnn_enabled=*/false);
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::HardSwish:
    case OpKind::HardSigmoid:
    case OpKind::Sigmoid:
    case OpKind::Swish:
      return interop::torch_activation(n.op, x);
    case OpKind::Add: {
      torch::Tensor y = x + in(1);
      for (size_t k = 2; k < n.inputs.size(); ++k) y = y + in(k);
      return y;
    }
    case OpKind::Mul:
      return x * in(1);
    case OpKind::Concat: {
      std::vector<torch::Tensor> xs;
      for (size_t k = 0; k < n.inputs.size(); ++k) xs.push_back(in(k));
      return torch::cat(xs, interop::nchw_axis(a.axis, n.shape.rank()));
    }
    case OpKind::AvgPool: {
      torch::Tensor y = torch::avg_pool2d(padded(0.0), {a.kernel_h, a.kernel_w}, {a.stride_h, a.stride_w}, st.sym_pad,
                                          /*ceil_mode=*/false, a.count_include_pad);
      return st.pool_scale.defined() ? y * st.pool_scale : y;
    }
    case OpKind::MaxPool:
      return torch::max_pool2d(padded(-std::numeric_limits<double>::infinity()), {a.kernel_h, a.kernel_w},
                               {a.stride_h, a.stride_w}, st.sym_pad);
    case OpKind::GlobalAvgPool:
      return x.mean({2, 3}, /*keepdim=*/true);
    case OpKind::Reshape:
    case OpKind::Flatten:
      return reshape(id, x);
    case OpKind::Softmax:
      return torch::softmax(x, interop::nchw_axis(a.axis, n.shape.rank()));
    case OpKind::Pad:
      return torch::constant_pad_nd(x, {a.pad_left, a.pad_right, a.pad_top, a.pad_bottom}, a.value);
    case OpKind::Resize:
      if (a.mode == ir::ResizeMode::Nearest) return x.index_select(2, st.index_h).index_select(3, st.index_w);
      return torch::upsample_bilinear2d(x, {a.out_h, a.out_w}, a.align_corners);
    case OpKind::Zero: {  // NB201's "none": no gradient flows through it, as in the published cells
      if (x.defined()) return torch::zeros_like(x);
      // Its input is dead (ir::Graph::live(): a Zero reads only its input's shape), so never
      // computed: zeros of the node's own shape, with the batch and dtype of the graph's input.
      const torch::Tensor& input = values[g_.inputs().at(0)];
      const std::vector<int64_t> dims = n.shape.rank() == 4 ? dims_of(interop::to_nchw(n.shape)) : dims_of(n.shape);
      return torch::zeros(with_batch(dims, input.size(0)), input.options());
    }
    case OpKind::Input:
      break;
  }
  fail(g_.describe(id), "train::GraphModule has no mapping for operator {}", ir::op_name(n.op));
}

runtime::Weights GraphModule::weights() const {
  runtime::Weights w;
  for (const Slot& s : slots_) {
    const torch::Tensor c = s.t.detach().contiguous().to(torch::kFloat32);
    const float* p = c.data_ptr<float>();
    ir::Shape shape;
    for (const auto& [role, sh] : runtime::expected_weights(g_, s.node))
      if (role == s.role) shape = sh;
    w.nodes[g_.node(s.node).name][s.role] = runtime::Tensor(shape, std::vector<float>(p, p + c.numel()));
  }
  return w;
}

void GraphModule::load(const runtime::Weights& w) {
  runtime::check_weights(g_, w);
  torch::NoGradGuard no_grad;
  for (Slot& s : slots_) s.t.copy_(to_torch(w.at(g_.node(s.node).name, s.role)));
}

torch::Tensor GraphModule::tensor(int node, std::string_view role) const {
  for (const Slot& s : slots_)
    if (s.node == node && s.role == role) return s.t;
  return {};
}

int64_t GraphModule::num_parameters() const {
  int64_t total = 0;
  for (const torch::Tensor& p : parameters()) total += p.numel();
  return total;
}

std::vector<torch::Tensor> GraphModule::decayed_parameters() const {
  std::vector<torch::Tensor> out;
  for (const Slot& s : slots_)
    if (s.role == "kernel") out.push_back(s.t);
  return out;
}

std::vector<torch::Tensor> GraphModule::undecayed_parameters() const {
  std::vector<torch::Tensor> out;
  for (const Slot& s : slots_)
    if (s.role == "bias" || s.role == "gamma" || s.role == "beta") out.push_back(s.t);
  return out;
}

}  // namespace hwnas::train
