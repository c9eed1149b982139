#include "hwnas/runtime/xnnpack_backend.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <pthreadpool.h>
#include <xnnpack.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/op_traits.h"
#include "hwnas/ir/shape_inference.h"
#include "hwnas/runtime/fold.h"
#include "hwnas/runtime/quantize.h"
#include "hwnas/runtime/reference_kernels.h"

namespace hwnas::runtime {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

void check(xnn_status status, const std::string& where, const char* what) {
  if (status != xnn_status_success) fail(where, "XNNPACK {} failed (status {})", what, static_cast<int>(status));
}

void initialize_xnnpack() {
  static const xnn_status status = xnn_initialize(nullptr);
  if (status != xnn_status_success)
    fail("xnnpack", "xnn_initialize failed (status {}): this CPU or build is not supported", static_cast<int>(status));
}

std::vector<size_t> dims_of(const ir::Shape& s) {
  std::vector<size_t> d;
  for (int i = 0; i < s.rank(); ++i) d.push_back(static_cast<size_t>(s[i]));
  return d;
}

// Static data that XNNPACK subgraphs point to; deques keep addresses stable.
struct Constants {
  std::deque<std::vector<float>> f32;
  std::deque<std::vector<int8_t>> i8;
  std::deque<std::vector<int32_t>> i32;
};

// Relu, relu6 and max pool keep their input's quantization (XNNPACK requires it; their
// output range is a subset of the input's).
bool keeps_input_qparams(ir::OpKind op) {
  return op == ir::OpKind::Relu || op == ir::OpKind::Relu6 || op == ir::OpKind::MaxPool;
}

// Builds one XNNPACK subgraph from graph nodes; owns nothing but the subgraph handle.
class SubgraphBuilder {
 public:
  SubgraphBuilder(const ir::Graph& g, uint32_t externals, Constants& constants) : g_(g), constants_(constants) {
    check(xnn_create_subgraph(externals, 0, &sg_), "xnnpack", "create_subgraph");
  }
  ~SubgraphBuilder() {
    if (sg_) xnn_delete_subgraph(sg_);
  }

  uint32_t external(const ir::Shape& s, uint32_t id, uint32_t flags) { return define(s, nullptr, id, flags); }
  uint32_t internal(const ir::Shape& s) { return define(s, nullptr, XNN_INVALID_VALUE_ID, 0); }
  uint32_t weights(const ir::Shape& s, const std::vector<float>& data) {
    return define(s, data.data(), XNN_INVALID_VALUE_ID, 0);
  }
  uint32_t scalar(float v) {
    constants_.f32.push_back({v});
    return weights(ir::Shape{1}, constants_.f32.back());
  }
  uint32_t quantized(const ir::Shape& s, QParams q) {
    const auto d = dims_of(s);
    uint32_t id = 0;
    check(xnn_define_quantized_tensor_value(sg_, xnn_datatype_qint8, q.zero_point, q.scale, d.size(), d.data(), nullptr,
                                            XNN_INVALID_VALUE_ID, 0, &id),
          "xnnpack", "define_quantized_tensor_value");
    return id;
  }
  void convert(uint32_t from, uint32_t to) { check(xnn_define_convert(sg_, from, to, 0), "xnnpack", "define convert"); }

  // Defines node `id` in int8: inputs `in` and output `out` are qint8 values; `in_scale` is
  // the scale of the first input (weights and biases are quantized against it).
  void qnode(int id, const NodeParams& p, const std::vector<uint32_t>& in, uint32_t out, float in_scale,
             QParams out_q) {
    const NodeSite site = site_of(id);
    const auto& [n, a, where, xs, pad] = site;
    xnn_status st = xnn_status_success;
    switch (n.op) {
      case ir::OpKind::Conv2D:
      case ir::OpKind::DepthwiseConv2D: {
        const bool dw = n.op == ir::OpKind::DepthwiseConv2D;
        const int64_t cout = n.shape.c();
        const ir::Shape ks = dw ? ir::Shape{1, a.kernel_h, a.kernel_w, cout}
                                : ir::Shape{cout, a.kernel_h, a.kernel_w, xs.c() / a.groups};
        const auto [w, b] = channelwise_weights(ks, p.kernel, p.bias, static_cast<int>(cout), dw, in_scale);
        if (dw)
          st = xnn_define_depthwise_convolution_2d(sg_, pad.top, pad.right, pad.bottom, pad.left, a.kernel_h,
                                                   a.kernel_w, a.stride_h, a.stride_w, a.dilation_h, a.dilation_w,
                                                   a.multiplier, xs.c(), -kInf, kInf, in[0], w, b, out, 0);
        else
          st = xnn_define_convolution_2d(sg_, pad.top, pad.right, pad.bottom, pad.left, a.kernel_h, a.kernel_w,
                                         a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, a.groups,
                                         xs.c() / a.groups, cout / a.groups, -kInf, kInf, in[0], w, b, out, 0);
        break;
      }
      case ir::OpKind::FullyConnected: {  // this snapshot quantizes FC weights per tensor only
        std::vector<float> scale;
        constants_.i8.push_back(quantize_weights(p.kernel, 1, false, p.bias, in_scale, scale));
        constants_.i32.push_back(quantize_bias(p.bias, in_scale, scale));
        const auto wd = dims_of(ir::Shape{n.shape[1], xs.numel() / xs[0]});
        const auto bd = dims_of(ir::Shape{n.shape[1]});
        uint32_t w = 0, b = 0;
        check(xnn_define_quantized_tensor_value(sg_, xnn_datatype_qint8, 0, scale[0], wd.size(), wd.data(),
                                                constants_.i8.back().data(), XNN_INVALID_VALUE_ID, 0, &w),
              where, "define FC weights");
        check(xnn_define_quantized_tensor_value(sg_, xnn_datatype_qint32, 0, in_scale * scale[0], bd.size(), bd.data(),
                                                constants_.i32.back().data(), XNN_INVALID_VALUE_ID, 0, &b),
              where, "define FC bias");
        st = xnn_define_fully_connected(sg_, -kInf, kInf, in[0], w, b, out, XNN_FLAG_TENSORFLOW_RESHAPE_2D);
        break;
      }
      case ir::OpKind::Add: {
        uint32_t acc = in[0];
        for (size_t k = 1; k < in.size(); ++k) {
          const uint32_t dst = k + 1 == in.size() ? out : quantized(partial_shape(n, k), out_q);
          check(xnn_define_add2(sg_, -kInf, kInf, acc, in[k], dst, 0), where, "define add");
          acc = dst;
        }
        break;
      }
      case ir::OpKind::Mul:
        st = xnn_define_multiply2(sg_, -kInf, kInf, in[0], in[1], out, 0);
        break;
      case ir::OpKind::GlobalAvgPool:
        st = xnn_define_global_average_pooling_2d(sg_, -kInf, kInf, in[0], out, 0);
        break;
      case ir::OpKind::MaxPool:
        st = xnn_define_max_pooling_2d(sg_, pad.top, pad.right, pad.bottom, pad.left, a.kernel_h, a.kernel_w,
                                       a.stride_h, a.stride_w, 1, 1, -kInf, kInf, in[0], out, 0);
        break;
      case ir::OpKind::Relu:
        st = xnn_define_clamp(sg_, 0.0f, kInf, in[0], out, 0);
        break;
      case ir::OpKind::Relu6:
        st = xnn_define_clamp(sg_, 0.0f, 6.0f, in[0], out, 0);
        break;
      default:
        fail(where, "internal: operator {} has no int8 mapping", ir::op_name(n.op));
    }
    check(st, where, "int8 node definition");
  }

  // Defines node `id` reading `in` (xnn ids of its inputs) and writing `out`.
  void node(int id, const NodeParams& p, const std::vector<uint32_t>& in, uint32_t out) {
    const NodeSite site = site_of(id);
    const auto& [n, a, where, xs, pad] = site;
    xnn_status st = xnn_status_success;
    switch (n.op) {
      case ir::OpKind::Conv2D: {
        const ir::Shape ks{n.shape.c(), a.kernel_h, a.kernel_w, xs.c() / a.groups};
        st = xnn_define_convolution_2d(sg_, pad.top, pad.right, pad.bottom, pad.left, a.kernel_h, a.kernel_w,
                                       a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, a.groups, xs.c() / a.groups,
                                       n.shape.c() / a.groups, -kInf, kInf, in[0], weights(ks, p.kernel),
                                       weights(ir::Shape{n.shape.c()}, p.bias), out, 0);
        break;
      }
      case ir::OpKind::DepthwiseConv2D: {
        const ir::Shape ks{1, a.kernel_h, a.kernel_w, n.shape.c()};
        st = xnn_define_depthwise_convolution_2d(sg_, pad.top, pad.right, pad.bottom, pad.left, a.kernel_h, a.kernel_w,
                                                 a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, a.multiplier,
                                                 xs.c(), -kInf, kInf, in[0], weights(ks, p.kernel),
                                                 weights(ir::Shape{n.shape.c()}, p.bias), out, 0);
        break;
      }
      case ir::OpKind::FullyConnected: {
        const ir::Shape ks{n.shape[1], xs.numel() / xs[0]};
        st = xnn_define_fully_connected(sg_, -kInf, kInf, in[0], weights(ks, p.kernel),
                                        weights(ir::Shape{n.shape[1]}, p.bias), out, XNN_FLAG_TENSORFLOW_RESHAPE_2D);
        break;
      }
      case ir::OpKind::BatchNorm: {
        const uint32_t scaled = internal(n.shape);
        const ir::Shape cs{static_cast<int64_t>(p.scale.size())};
        check(xnn_define_multiply2(sg_, -kInf, kInf, in[0], weights(cs, p.scale), scaled, 0), where, "define multiply");
        st = xnn_define_add2(sg_, -kInf, kInf, scaled, weights(cs, p.shift), out, 0);
        break;
      }
      case ir::OpKind::Relu:
        st = xnn_define_clamp(sg_, 0.0f, kInf, in[0], out, 0);
        break;
      case ir::OpKind::Relu6:
        st = xnn_define_clamp(sg_, 0.0f, 6.0f, in[0], out, 0);
        break;
      case ir::OpKind::HardSwish:
        st = xnn_define_hardswish(sg_, in[0], out, 0);
        break;
      case ir::OpKind::HardSigmoid: {  // relu6(x + 3) / 6 == clamp(x / 6 + 1/2, 0, 1)
        const uint32_t sixth = internal(n.shape);
        check(xnn_define_multiply2(sg_, -kInf, kInf, in[0], scalar(1.0f / 6.0f), sixth, 0), where, "define multiply");
        st = xnn_define_add2(sg_, 0.0f, 1.0f, sixth, scalar(0.5f), out, 0);
        break;
      }
      case ir::OpKind::Sigmoid:
        st = xnn_define_sigmoid(sg_, in[0], out, 0);
        break;
      case ir::OpKind::Swish: {
        const uint32_t s = internal(n.shape);
        check(xnn_define_sigmoid(sg_, in[0], s, 0), where, "define sigmoid");
        st = xnn_define_multiply2(sg_, -kInf, kInf, in[0], s, out, 0);
        break;
      }
      case ir::OpKind::Add: {
        uint32_t acc = in[0];
        for (size_t k = 1; k < in.size(); ++k) {
          const uint32_t dst = k + 1 == in.size() ? out : internal(partial_shape(n, k));
          check(xnn_define_add2(sg_, -kInf, kInf, acc, in[k], dst, 0), where, "define add");
          acc = dst;
        }
        break;
      }
      case ir::OpKind::Mul:
        st = xnn_define_multiply2(sg_, -kInf, kInf, in[0], in[1], out, 0);
        break;
      case ir::OpKind::AvgPool: {
        uint32_t x = in[0];
        ir::Pads pp = pad;
        if (a.count_include_pad && pad != ir::Pads{}) {  // pad with zeros that then count
          const ir::Shape padded{xs.n(), xs.h() + pad.top + pad.bottom, xs.w() + pad.left + pad.right, xs.c()};
          x = internal(padded);
          const size_t pre[4] = {0, static_cast<size_t>(pad.top), static_cast<size_t>(pad.left), 0};
          const size_t post[4] = {0, static_cast<size_t>(pad.bottom), static_cast<size_t>(pad.right), 0};
          check(xnn_define_static_constant_pad(sg_, pre, post, 0.0f, in[0], x, 0), where, "define pad");
          pp = {};
        }
        st = xnn_define_average_pooling_2d(sg_, pp.top, pp.right, pp.bottom, pp.left, a.kernel_h, a.kernel_w,
                                           a.stride_h, a.stride_w, -kInf, kInf, x, out, 0);
        break;
      }
      case ir::OpKind::MaxPool:
        st = xnn_define_max_pooling_2d(sg_, pad.top, pad.right, pad.bottom, pad.left, a.kernel_h, a.kernel_w,
                                       a.stride_h, a.stride_w, 1, 1, -kInf, kInf, in[0], out, 0);
        break;
      case ir::OpKind::GlobalAvgPool:
        st = xnn_define_global_average_pooling_2d(sg_, -kInf, kInf, in[0], out, 0);
        break;
      case ir::OpKind::Reshape:
      case ir::OpKind::Flatten: {
        const auto d = dims_of(n.shape);
        st = xnn_define_static_reshape(sg_, d.size(), d.data(), in[0], out, 0);
        break;
      }
      case ir::OpKind::Softmax:
        st = xnn_define_softmax(sg_, in[0], out, 0);
        break;
      case ir::OpKind::Pad: {
        const size_t pre[4] = {0, static_cast<size_t>(a.pad_top), static_cast<size_t>(a.pad_left), 0};
        const size_t post[4] = {0, static_cast<size_t>(a.pad_bottom), static_cast<size_t>(a.pad_right), 0};
        st = xnn_define_static_constant_pad(sg_, pre, post, a.value, in[0], out, 0);
        break;
      }
      case ir::OpKind::Resize:
        st = xnn_define_static_resize_bilinear_2d(sg_, a.out_h, a.out_w, in[0], out,
                                                  a.align_corners ? XNN_FLAG_ALIGN_CORNERS : 0);
        break;
      default:
        fail(where, "internal: operator {} is not mapped to XNNPACK", ir::op_name(n.op));
    }
    check(st, where, "node definition");
  }

  // Creates the runtime; the subgraph is no longer needed afterwards. `where` names the nodes.
  xnn_runtime_t create_runtime(pthreadpool_t pool, const std::string& where) {
    xnn_runtime_t rt = nullptr;
    check(xnn_create_runtime_v2(sg_, pool, 0, &rt), where, "create_runtime");
    return rt;
  }

 private:
  // What every node definition reads first: the node, its attributes, its name for errors,
  // its first input's shape and the padding it resolves to.
  struct NodeSite {
    const ir::Node& n;
    const ir::Attrs& a;
    std::string where;
    const ir::Shape& xs;
    ir::Pads pad;
  };
  NodeSite site_of(int id) const {
    const ir::Node& n = g_.node(id);
    const ir::Shape& xs = g_.node(n.inputs[0]).shape;
    return {n, n.attrs, g_.describe(id), xs, ir::resolve_pads(n.attrs, xs.h(), xs.w())};
  }

  uint32_t define(const ir::Shape& s, const void* data, uint32_t ext, uint32_t flags) {
    const auto d = dims_of(s);
    uint32_t id = 0;
    check(xnn_define_tensor_value(sg_, xnn_datatype_fp32, d.size(), d.data(), data, ext, flags, &id), "xnnpack",
          "define_tensor_value");
    return id;
  }
  // Per-output-channel int8 kernel (channel 0 of conv kernels, the last of depthwise ones)
  // and its int32 bias (scale input_scale * weight_scale[c]); returns their value ids.
  std::pair<uint32_t, uint32_t> channelwise_weights(const ir::Shape& ks, const std::vector<float>& kernel,
                                                    const std::vector<float>& bias, int cout, bool channel_last,
                                                    float in_scale) {
    constants_.f32.emplace_back();
    std::vector<float>& w_scale = constants_.f32.back();
    constants_.i8.push_back(quantize_weights(kernel, cout, channel_last, bias, in_scale, w_scale));
    constants_.i32.push_back(quantize_bias(bias, in_scale, w_scale));
    constants_.f32.push_back(w_scale);
    std::vector<float>& b_scale = constants_.f32.back();
    for (float& v : b_scale) v *= in_scale;
    const auto wd = dims_of(ks);
    const auto bd = dims_of(ir::Shape{cout});
    uint32_t w = 0, b = 0;
    check(xnn_define_channelwise_quantized_tensor_value(sg_, xnn_datatype_qcint8, w_scale.data(), wd.size(),
                                                        channel_last ? 3 : 0, wd.data(), constants_.i8.back().data(),
                                                        XNN_INVALID_VALUE_ID, 0, &w),
          "xnnpack", "define int8 weights");
    check(xnn_define_channelwise_quantized_tensor_value(sg_, xnn_datatype_qcint32, b_scale.data(), 1, 0, bd.data(),
                                                        constants_.i32.back().data(), XNN_INVALID_VALUE_ID, 0, &b),
          "xnnpack", "define int32 bias");
    return {w, b};
  }

  // Broadcast shape of the first k+1 inputs of an n-ary add.
  ir::Shape partial_shape(const ir::Node& n, size_t k) const {
    ir::Shape s = g_.node(n.inputs[0]).shape;
    for (size_t i = 1; i <= k; ++i) {
      const ir::Shape& t = g_.node(n.inputs[i]).shape;
      for (int d = 0; d < s.rank(); ++d) s[d] = std::max(s[d], t[d]);
    }
    return s;
  }

  const ir::Graph& g_;
  Constants& constants_;
  xnn_subgraph_t sg_ = nullptr;
};

class XnnpackModel : public PreparedModel {
 public:
  XnnpackModel(const ir::Graph& g, const Weights& w, const BackendOptions& o)
      : PreparedModel(g), g_(g), params_(inference_params(g, w, /*fold=*/true)) {
    initialize_xnnpack();
    if (o.threads < 1) fail("xnnpack", "threads must be at least 1, got {}", o.threads);
    if (o.threads > 1) {
      pool_.reset(pthreadpool_create(static_cast<size_t>(o.threads)));
      if (!pool_) fail("xnnpack", "could not start a pool of {} threads", o.threads);
    }
    // XNNPACK requires a bias for convolutions; a layer without one gets zeros.
    for (int id = 0; id < g.size(); ++id)
      if (ir::is_linear(g.node(id).op) && params_.nodes[id].bias.empty())
        params_.nodes[id].bias.assign(static_cast<size_t>(g.node(id).shape[g.node(id).shape.rank() - 1]), 0.0f);
    if (o.dtype == ir::DType::i8) quantize(o.calibration_seed);
    else if (o.dtype != ir::DType::f32)
      fail("xnnpack", "dtype {} is not supported; use f32 or int8", ir::dtype_name(o.dtype));
    plan();
  }

  void invoke() override {
    std::vector<const float*> in;
    for (const Step& s : steps_) {
      if (s.runtime) {
        check(xnn_invoke_runtime(s.runtime.get()), "xnnpack", "invoke_runtime");
        continue;
      }
      in.clear();
      for (int x : g_.node(s.node).inputs) in.push_back(ptr_[real(x)]);
      reference_node(g_, s.node, params_.nodes[s.node], in, ptr_[s.node]);
    }
    for (size_t i = 0; i < outputs_.size(); ++i)
      if (!written_in_place_[i])
        std::copy_n(ptr_[real(g_.outputs()[i])], outputs_[i].data.size(), outputs_[i].data.begin());
  }

  std::vector<int> fallback_nodes() const override { return fallback_; }

  std::string summary() const override {
    const int int8 = static_cast<int>(std::count(int8_.begin(), int8_.end(), true));
    std::string s =
        fmt::format("xnnpack: {} subgraph(s), {} batch_norm folded, {}{}{} node(s) on reference kernels", subgraphs_,
                    params_.folded, int8_.empty() ? "" : fmt::format("{} node(s) in int8 (the rest f32), ", int8),
                    zeros_ ? fmt::format("{} zero node(s) as constants, ", zeros_) : "", fallback_.size());
    for (size_t i = 0; i < fallback_.size(); ++i)
      s += (i ? ", " : ": ") + g_.node(fallback_[i]).name + " (" + *xnnpack_unsupported_reason(g_, fallback_[i]) + ")";
    return s;
  }

 private:
  struct RuntimeDeleter {
    void operator()(xnn_runtime_t rt) const { xnn_delete_runtime(rt); }
  };
  struct PoolDeleter {
    void operator()(pthreadpool_t p) const { pthreadpool_destroy(p); }
  };
  using RuntimePtr = std::unique_ptr<xnn_runtime, RuntimeDeleter>;
  struct Step {
    RuntimePtr runtime;  // an XNNPACK subgraph, or
    int node = -1;       // a node on the reference kernel
  };

  int real(int id) const { return params_.nodes[id].alias_of >= 0 ? params_.nodes[id].alias_of : id; }

  // Chooses which nodes run in int8 and the quantization of every value, from ranges
  // calibrated on one seeded input.
  void quantize(uint64_t seed) {
    auto ranges = calibrate_ranges(g_, params_, calibration_inputs(g_, seed));
    int8_.assign(g_.size(), false);
    for (int id = 0; id < g_.size(); ++id)
      int8_[id] =
          params_.nodes[id].alias_of < 0 && xnnpack_quantizes(g_.node(id).op) && !xnnpack_unsupported_reason(g_, id);
    // A layer read only by a relu/relu6 is quantized to the activation's range, as TFLite
    // fuses them: a conv's raw range (say -30..40) would leave relu6's 0..6 only ~20 steps.
    std::vector<std::vector<int>> readers(g_.size());
    for (int id = 0; id < g_.size(); ++id)
      if (params_.nodes[id].alias_of < 0)
        for (int x : g_.node(id).inputs) readers[real(x)].push_back(id);
    for (int o : g_.outputs()) readers[real(o)].push_back(-1);
    for (int id = 0; id < g_.size(); ++id) {
      const ir::OpKind op = g_.node(id).op;
      if (int8_[id] && !keeps_input_qparams(op) && readers[id].size() == 1 && readers[id][0] >= 0) {
        const int r = readers[id][0];
        const ir::OpKind rop = g_.node(r).op;
        if (int8_[r] && (rop == ir::OpKind::Relu || rop == ir::OpKind::Relu6)) ranges[id] = ranges[r];
      }
    }
    qparams_.resize(g_.size());
    for (int id = 0; id < g_.size(); ++id) {
      const ir::Node& n = g_.node(id);
      qparams_[id] = keeps_input_qparams(n.op) ? qparams_[real(n.inputs[0])]
                                               : activation_qparams(ranges[real(id)].first, ranges[real(id)].second);
    }
  }

  void plan() {
    const int n = g_.size();
    // Segment of each computed node: consecutive XNNPACK nodes share one; -1 = host.
    std::vector<int> seg(n, -1);
    // Nodes no output depends on (an NB201 edge into a cell node that only 'none' edges leave)
    // are not run, as a converter drops them: XNNPACK leaves a value nobody reads unallocated
    // and then aborts.
    const std::vector<bool> live = g_.live();
    int segments = 0;
    bool open = false;
    for (int id = 0; id < n; ++id) {
      const ir::Node& node = g_.node(id);
      if (!live[id] || node.op == ir::OpKind::Input || params_.nodes[id].alias_of >= 0) continue;
      if (node.op == ir::OpKind::Zero) {  // a constant: filled once below, splits nothing
        ++zeros_;
        continue;
      }
      if (xnnpack_unsupported_reason(g_, id)) {
        fallback_.push_back(id);
        open = false;
        continue;
      }
      if (!open) ++segments, open = true;
      seg[id] = segments - 1;
    }
    // A value lives in a host buffer when the host computes or reads it, or another
    // segment reads it.
    std::vector<bool> host(n, false);
    for (int id = 0; id < n; ++id) {
      const ir::Node& node = g_.node(id);
      if (!live[id]) continue;
      if (node.op == ir::OpKind::Input || node.op == ir::OpKind::Zero) host[id] = true;
      if (node.op == ir::OpKind::Input || node.op == ir::OpKind::Zero || params_.nodes[id].alias_of >= 0) continue;
      if (seg[id] < 0) host[id] = true;
      for (int x : node.inputs)
        if (seg[id] < 0 || seg[real(x)] != seg[id]) host[real(x)] = true;
    }
    for (int o : g_.outputs()) host[real(o)] = true;

    buffers_.resize(n);
    ptr_.assign(n, nullptr);
    const auto in_ids = g_.inputs();
    for (size_t i = 0; i < in_ids.size(); ++i) ptr_[in_ids[i]] = inputs_[i].data.data();
    // The model's outputs are written straight into the output tensors: a copy after every
    // invoke would be timed as part of the model (for a single kernel timed alone, a copy of
    // a large activation costs as much as a depthwise conv). Inputs, constants and a node
    // that is two outputs at once still need the copy.
    written_in_place_.assign(outputs_.size(), false);
    for (size_t i = 0; i < outputs_.size(); ++i) {
      const int id = real(g_.outputs()[i]);
      if (ptr_[id] || g_.node(id).op == ir::OpKind::Zero) continue;
      ptr_[id] = outputs_[i].data.data();
      written_in_place_[i] = true;
    }
    for (int id = 0; id < n; ++id)
      if (host[id] && !ptr_[id]) {
        buffers_[id].resize(static_cast<size_t>(g_.node(id).shape.numel()));  // zero-filled: Zero nodes are done
        ptr_[id] = buffers_[id].data();
      }

    int next_fallback = 0;
    for (int s = 0, id = 0; id < n; ++id) {
      if (next_fallback < static_cast<int>(fallback_.size()) && fallback_[next_fallback] == id) {
        steps_.push_back({nullptr, id});
        ++next_fallback;
      } else if (seg[id] == s) {
        steps_.push_back({build_segment(s, seg, host), -1});
        ++s;
      }
    }
    subgraphs_ = segments;
  }

  RuntimePtr build_segment(int s, const std::vector<int>& seg, const std::vector<bool>& host) {
    std::vector<int> members;
    for (int id = 0; id < g_.size(); ++id)
      if (seg[id] == s) members.push_back(id);
    // External values: host values this segment reads, and its members the host needs.
    std::vector<int> ext;
    std::vector<uint32_t> flags;
    auto add_ext = [&](int id, uint32_t flag) {
      auto it = std::find(ext.begin(), ext.end(), id);
      if (it == ext.end()) ext.push_back(id), flags.push_back(flag);
    };
    for (int id : members) {
      for (int x : g_.node(id).inputs)
        if (seg[real(x)] != s) add_ext(real(x), XNN_VALUE_FLAG_EXTERNAL_INPUT);
      if (host[id]) add_ext(id, XNN_VALUE_FLAG_EXTERNAL_OUTPUT);
    }
    SubgraphBuilder b(g_, static_cast<uint32_t>(ext.size()), constants_);
    // Each value's f32 and (in int8 mode) int8 form, converted lazily where a consumer needs
    // the form its producer did not make. Host buffers (external values) are f32.
    std::vector<uint32_t> f32(g_.size(), XNN_INVALID_VALUE_ID), i8(g_.size(), XNN_INVALID_VALUE_ID);
    for (size_t e = 0; e < ext.size(); ++e)
      f32[ext[e]] = b.external(g_.node(ext[e]).shape, static_cast<uint32_t>(e), flags[e]);
    auto value = [&](int x, bool quantized) {
      x = real(x);
      std::vector<uint32_t>& want = quantized ? i8 : f32;
      if (want[x] == XNN_INVALID_VALUE_ID) {
        want[x] = quantized ? b.quantized(g_.node(x).shape, qparams_[x]) : b.internal(g_.node(x).shape);
        b.convert(quantized ? f32[x] : i8[x], want[x]);
      }
      return want[x];
    };
    for (int id : members) {
      const bool q = !int8_.empty() && int8_[id];
      std::vector<uint32_t> in;
      for (int x : g_.node(id).inputs) in.push_back(value(x, q));
      if (!q) {
        if (f32[id] == XNN_INVALID_VALUE_ID) f32[id] = b.internal(g_.node(id).shape);
        b.node(id, params_.nodes[id], in, f32[id]);
        continue;
      }
      i8[id] = b.quantized(g_.node(id).shape, qparams_[id]);
      b.qnode(id, params_.nodes[id], in, i8[id], qparams_[real(g_.node(id).inputs[0])].scale, qparams_[id]);
      if (f32[id] != XNN_INVALID_VALUE_ID) b.convert(i8[id], f32[id]);  // the host reads it
    }
    const std::string where = fmt::format("xnnpack subgraph of nodes '{}' .. '{}'", g_.node(members.front()).name,
                                          g_.node(members.back()).name);
    RuntimePtr rt(b.create_runtime(pool_.get(), where));
    std::vector<xnn_external_value> bind;
    for (size_t e = 0; e < ext.size(); ++e) bind.push_back({static_cast<uint32_t>(e), ptr_[ext[e]]});
    check(xnn_setup_runtime(rt.get(), bind.size(), bind.data()), where, "setup_runtime");
    return rt;
  }

  ir::Graph g_;
  InferenceParams params_;
  std::unique_ptr<pthreadpool, PoolDeleter> pool_;
  Constants constants_;                      // static data referenced by subgraphs
  std::vector<bool> int8_;                   // int8 mode: nodes run quantized (empty in f32 mode)
  std::vector<QParams> qparams_;             // int8 mode: quantization of each node's output
  std::vector<std::vector<float>> buffers_;  // host buffers, by node
  std::vector<float*> ptr_;                  // host buffer of each node, or null
  std::vector<bool> written_in_place_;       // per output: ptr_ is the output tensor itself
  std::vector<Step> steps_;
  std::vector<int> fallback_;
  int subgraphs_ = 0;
  int zeros_ = 0;  // Zero nodes: constant host buffers, computed once
};

}  // namespace

// Probed on this snapshot: conv and depthwise with per-channel weights, FC with per-tensor
// weights, add, multiply, global average pool, max pool, clamp; not sigmoid, hard_swish,
// average pool, softmax, resize.
bool xnnpack_quantizes(ir::OpKind op) {
  switch (op) {
    case ir::OpKind::Conv2D:
    case ir::OpKind::DepthwiseConv2D:
    case ir::OpKind::FullyConnected:
    case ir::OpKind::Add:
    case ir::OpKind::Mul:
    case ir::OpKind::GlobalAvgPool:
    case ir::OpKind::MaxPool:
    case ir::OpKind::Relu:
    case ir::OpKind::Relu6:
      return true;
    default:
      return false;
  }
}

std::optional<std::string> xnnpack_unsupported_reason(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  switch (n.op) {
    case ir::OpKind::Concat:
      return "this XNNPACK has no concatenate";
    case ir::OpKind::Input:
      return "graph inputs are not computed";
    case ir::OpKind::Resize:
      if (n.attrs.mode == ir::ResizeMode::Nearest) return "this XNNPACK has only bilinear resize";
      return std::nullopt;
    case ir::OpKind::Softmax:
      if ((n.attrs.axis < 0 ? n.attrs.axis + n.shape.rank() : n.attrs.axis) != n.shape.rank() - 1)
        return "XNNPACK softmax runs over the last axis only";
      return std::nullopt;
    case ir::OpKind::AvgPool:
    case ir::OpKind::MaxPool:
      if (n.attrs.kernel_h * n.attrs.kernel_w == 1) return "XNNPACK rejects a 1x1 pooling window";
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::unique_ptr<PreparedModel> XnnpackBackend::prepare(const ir::Graph& g, const Weights& w,
                                                       const BackendOptions& options) const {
  return std::make_unique<XnnpackModel>(g, w, options);
}

}  // namespace hwnas::runtime
