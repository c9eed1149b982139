#include "hwnas/interop/torch_backend.h"

#include <cmath>
#include <limits>

#include <torch/torch.h>

#include "hwnas/core/error.h"
#include "hwnas/interop/nchw.h"
#include "hwnas/interop/torch_ops.h"
#include "hwnas/ir/shape_inference.h"
#include "hwnas/runtime/fold.h"

namespace hwnas::interop {
namespace {

using ir::OpKind;

torch::Tensor tensor_of(std::vector<float> v, std::vector<int64_t> dims) {
  return torch::tensor(v, torch::kFloat32).reshape(dims);
}

// reference_kernels.h's nearest resize: floor(dst*in/out), or with align_corners
// round(dst*(in-1)/(out-1)); torch's own 'nearest' computes in float and has no
// align_corners form, so the indices are computed once here and gathered.
torch::Tensor nearest_indices(int64_t in, int64_t out, bool align_corners) {
  std::vector<int64_t> idx(static_cast<size_t>(out));
  for (int64_t d = 0; d < out; ++d) {
    const int64_t s =
        align_corners ? std::llround(out > 1 ? static_cast<double>(d) * (in - 1) / (out - 1) : 0.0) : d * in / out;
    idx[static_cast<size_t>(d)] = std::min(s, in - 1);
  }
  return torch::tensor(idx, torch::kInt64);
}

// One IR node, ready to run: its tensors converted once at prepare().
struct Step {
  int id = 0;
  torch::Tensor weight, bias;      // conv (OIHW), FC (NCHW columns); BN: scale, shift
  torch::Tensor index_h, index_w;  // nearest resize
  torch::Tensor pool_scale;        // avg pool, asymmetric pads, padding excluded: kh*kw / count
  std::vector<int64_t> pad;        // explicit pad for torch's F.pad order (left, right, top, bottom); empty: none
  std::vector<int64_t> sym_pad;    // symmetric padding passed to the kernel itself
};

class TorchModel : public runtime::PreparedModel {
 public:
  TorchModel(const ir::Graph& g, const runtime::Weights& w, int threads) : PreparedModel(g), g_(g), threads_(threads) {
    const runtime::InferenceParams p = runtime::inference_params(g, w, /*fold=*/true);
    alias_.resize(g.size());
    for (int id = 0; id < g.size(); ++id) {
      alias_[id] = p.nodes[id].alias_of >= 0 ? p.nodes[id].alias_of : id;
      if (g.node(id).op == OpKind::Input || p.nodes[id].alias_of >= 0) continue;
      try {
        steps_.push_back(make_step(id, p.nodes[id]));
      } catch (const Error& e) {
        throw e.within("torch backend: " + g.describe(id));
      } catch (const std::exception& e) {
        fail("torch backend: " + g.describe(id), "libtorch rejected the weights: {}", e.what());
      }
    }
    values_.resize(g.size());
    invoke();  // fails here, not in a timing loop, on an operator libtorch cannot run
  }

  void invoke() override {
    torch::NoGradGuard no_grad;
    if (torch::get_num_threads() != threads_) torch::set_num_threads(threads_);
    const std::vector<int> in_ids = g_.inputs();
    for (int i = 0; i < num_inputs(); ++i) {
      const ir::Shape& s = input_shape(i);
      torch::Tensor x = torch::from_blob(inputs_[i].data.data(), dims_of(s), torch::kFloat32);
      values_[in_ids[i]] = s.rank() == 4 ? x.permute({0, 3, 1, 2}).contiguous() : x.clone();
    }
    try {
      for (const Step& st : steps_) values_[st.id] = run(st);
    } catch (const std::exception& e) {
      fail("torch backend, graph '" + g_.name() + "'", "libtorch failed: {}", e.what());
    }
    for (int i = 0; i < num_outputs(); ++i) {
      const ir::Shape& s = output_shape(i);
      torch::Tensor out = torch::from_blob(outputs_[i].data.data(), dims_of(s), torch::kFloat32);
      if (s.rank() == 4) out = out.permute({0, 3, 1, 2});  // a view: copy_ writes NHWC memory
      out.copy_(values_[alias_[g_.outputs()[i]]]);
    }
  }

  std::string summary() const override {
    return fmt::format("torch: libtorch {} eager ATen kernels, NCHW, {} op(s), {} thread(s)", TORCH_VERSION,
                       steps_.size(), threads_);
  }

 private:
  const torch::Tensor& in(const Step& st, int k = 0) const { return values_[alias_[g_.node(st.id).inputs.at(k)]]; }
  const ir::Shape& in_shape(int id, int k = 0) const { return g_.node(g_.node(id).inputs.at(k)).shape; }

  // Pads of a window op: symmetric ones go to the kernel, others become an explicit pad.
  void window_pads(Step& st) const {
    const ir::Node& n = g_.node(st.id);
    const ir::Pads p = ir::resolve_pads(n.attrs, in_shape(st.id).h(), in_shape(st.id).w());
    // Torch pools accept a padding of at most half the kernel; larger ones go explicit too.
    const bool pool = n.op == OpKind::AvgPool || n.op == OpKind::MaxPool;
    const bool symmetric = p.top == p.bottom && p.left == p.right &&
                           (!pool || (2 * p.top <= n.attrs.kernel_h && 2 * p.left <= n.attrs.kernel_w));
    if (symmetric) {
      st.sym_pad = {p.top, p.left};
    } else {
      st.pad = {p.left, p.right, p.top, p.bottom};
      st.sym_pad = {0, 0};
    }
  }

  Step make_step(int id, const runtime::NodeParams& p) const {
    const ir::Node& n = g_.node(id);
    const ir::Attrs& a = n.attrs;
    Step st;
    st.id = id;
    switch (n.op) {
      case OpKind::Conv2D:
      case OpKind::DepthwiseConv2D:
        st.weight = tensor_of(oihw_kernel(g_, id, p.kernel), dims_of(oihw_shape(g_, id)));
        if (!p.bias.empty()) st.bias = tensor_of(p.bias, {n.shape.c()});
        window_pads(st);
        break;
      case OpKind::FullyConnected: {
        const int64_t units = n.shape[1];
        st.weight = tensor_of(nchw_fc_kernel(in_shape(id), p.kernel, units), {units, -1});
        if (!p.bias.empty()) st.bias = tensor_of(p.bias, {units});
        break;
      }
      case OpKind::BatchNorm: {  // standalone (not folded): y = x * scale + shift per channel
        const int64_t c = static_cast<int64_t>(p.scale.size());
        const std::vector<int64_t> dims =
            n.shape.rank() == 4 ? std::vector<int64_t>{1, c, 1, 1} : std::vector<int64_t>{c};
        st.weight = tensor_of(p.scale, dims);
        st.bias = tensor_of(p.shift, dims);
        break;
      }
      case OpKind::AvgPool:
      case OpKind::MaxPool:
        window_pads(st);
        if (n.op == OpKind::AvgPool && !st.pad.empty() && !a.count_include_pad) {
          // Explicit zero padding counts in the average; rescale each output by kh*kw over the
          // number of in-image pixels of its window (pooling a padded map of ones gives it).
          const ir::Shape& xs = in_shape(id);
          torch::Tensor ones = torch::constant_pad_nd(torch::ones({1, 1, xs.h(), xs.w()}), st.pad, 0.0);
          st.pool_scale = 1.0 / torch::avg_pool2d(ones, {a.kernel_h, a.kernel_w}, {a.stride_h, a.stride_w});
        }
        break;
      case OpKind::Resize:
        if (a.mode == ir::ResizeMode::Nearest) {
          st.index_h = nearest_indices(in_shape(id).h(), a.out_h, a.align_corners);
          st.index_w = nearest_indices(in_shape(id).w(), a.out_w, a.align_corners);
        }
        break;
      default:
        break;
    }
    return st;
  }

  // Reshape/flatten with NHWC element order (see onnx_export.cc's reshape for the same rule).
  torch::Tensor reshape(const Step& st) const {
    const ir::Node& n = g_.node(st.id);
    torch::Tensor x = in(st);
    if (flatten_order_differs(in_shape(st.id))) x = x.permute({0, 2, 3, 1});
    if (!flatten_order_differs(n.shape)) return x.reshape(dims_of(to_nchw(n.shape)));
    return x.reshape(dims_of(n.shape)).permute({0, 3, 1, 2}).contiguous();
  }

  torch::Tensor run(const Step& st) const {
    const ir::Node& n = g_.node(st.id);
    const ir::Attrs& a = n.attrs;
    const torch::Tensor& x = in(st);
    auto padded = [&](double value) { return st.pad.empty() ? x : torch::constant_pad_nd(x, st.pad, value); };
    switch (n.op) {
      case OpKind::Conv2D:
      case OpKind::DepthwiseConv2D:
        return torch::conv2d(padded(0.0), st.weight, st.bias, {a.stride_h, a.stride_w}, st.sym_pad,
                             {a.dilation_h, a.dilation_w}, conv_groups(g_, st.id));
      case OpKind::FullyConnected:
        return torch::linear(x.dim() == 2 ? x : x.flatten(1), st.weight, st.bias);
      case OpKind::BatchNorm:
        return x * st.weight + st.bias;
      case OpKind::Relu:
      case OpKind::Relu6:
      case OpKind::HardSwish:
      case OpKind::HardSigmoid:
      case OpKind::Sigmoid:
      case OpKind::Swish:
        return torch_activation(n.op, x);
      case OpKind::Add: {
        torch::Tensor y = x + in(st, 1);
        for (size_t k = 2; k < n.inputs.size(); ++k) y.add_(in(st, static_cast<int>(k)));
        return y;
      }
      case OpKind::Mul:
        return x * in(st, 1);
      case OpKind::Concat: {
        std::vector<torch::Tensor> xs;
        for (size_t k = 0; k < n.inputs.size(); ++k) xs.push_back(in(st, static_cast<int>(k)));
        return torch::cat(xs, nchw_axis(a.axis, n.shape.rank()));
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
        return torch::adaptive_avg_pool2d(x, {1, 1});
      case OpKind::Reshape:
      case OpKind::Flatten:
        return reshape(st);
      case OpKind::Softmax:
        return torch::softmax(x, nchw_axis(a.axis, n.shape.rank()));
      case OpKind::Pad:
        return torch::constant_pad_nd(x, {a.pad_left, a.pad_right, a.pad_top, a.pad_bottom}, a.value);
      case OpKind::Resize:
        if (a.mode == ir::ResizeMode::Nearest) return x.index_select(2, st.index_h).index_select(3, st.index_w);
        return torch::upsample_bilinear2d(x, {a.out_h, a.out_w}, a.align_corners);
      case OpKind::Zero:
        return torch::zeros_like(x);
      case OpKind::Input:
        break;
    }
    fail(g_.describe(st.id), "the torch backend has no mapping for operator {}", ir::op_name(n.op));
  }

  const ir::Graph g_;
  int threads_;
  std::vector<int> alias_;  // per node, the node whose value it is (itself, or a folded BN's layer)
  std::vector<Step> steps_;
  std::vector<torch::Tensor> values_;
};

}  // namespace

std::unique_ptr<runtime::PreparedModel> TorchBackend::prepare(const ir::Graph& g, const runtime::Weights& w,
                                                              const runtime::BackendOptions& options) const {
  if (options.dtype != ir::DType::f32)
    fail("torch backend", "runs f32 only, not {}; use the xnnpack backend for int8", ir::dtype_name(options.dtype));
  if (options.threads < 1) fail("torch backend", "threads must be at least 1, got {}", options.threads);
  return std::make_unique<TorchModel>(g, w, options.threads);
}

}  // namespace hwnas::interop
