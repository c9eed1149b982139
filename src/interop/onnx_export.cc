#include "hwnas/interop/onnx_export.h"

#include <set>
#include <span>

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/version.h"
#include "hwnas/interop/nchw.h"
#include "hwnas/ir/shape_inference.h"
#include "hwnas/runtime/fold.h"

namespace hwnas::interop {
namespace {

using ir::OpKind;

constexpr int kIrVersion = 7;  // the ONNX IR version that introduced opset 14 (ONNX 1.9)

void set_tensor_type(onnx::ValueInfoProto* v, const std::string& name, const ir::Shape& nchw) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = t->mutable_shape();
  for (int i = 0; i < nchw.rank(); ++i) shape->add_dim()->set_dim_value(nchw[i]);
}

void attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void attr(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
void attr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}
void attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

// Builds the GraphProto node by node. Each IR node's result is one ONNX value named after the
// node (a folded BatchNorm lends its name to the layer it was folded into, so the value keeps
// the name users see in `hwnas model info`); helper values are "<node>.<what>".
class Exporter {
 public:
  Exporter(const ir::Graph& g, const runtime::Weights& w, const OnnxOptions& o, onnx::GraphProto* out)
      : g_(g), w_(w), params_(runtime::inference_params(g, w, o.fold_batchnorm)), out_(out) {
    value_.resize(g.size());
    for (int id = 0; id < g.size(); ++id) value_[id] = g.node(id).name;
    for (int id = 0; id < g.size(); ++id)
      if (params_.nodes[id].alias_of >= 0) value_[params_.nodes[id].alias_of] = g.node(id).name;
  }

  void run() {
    out_->set_name(g_.name().empty() ? "hwnas" : g_.name());
    for (int id = 0; id < g_.size(); ++id) {
      if (params_.nodes[id].alias_of >= 0) continue;  // folded: its value is the layer's
      try {
        emit(id);
      } catch (const Error& e) {
        throw e.within(g_.describe(id));
      }
    }
    declare_values();
  }

 private:
  const std::string& in(int id, int k = 0) const { return value_[g_.node(id).inputs.at(k)]; }
  const ir::Shape& in_shape(int id, int k = 0) const { return g_.node(g_.node(id).inputs.at(k)).shape; }

  onnx::NodeProto* node(const std::string& op, std::vector<std::string> inputs, const std::string& output,
                        const std::string& name) {
    auto* n = out_->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (auto& i : inputs) n->add_input(std::move(i));
    n->add_output(output);
    return n;
  }

  std::string initializer(const std::string& name, const std::vector<int64_t>& dims, std::span<const float> v) {
    auto* t = out_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
    return name;
  }
  std::string initializer_i64(const std::string& name, const std::vector<int64_t>& v) {
    auto* t = out_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(v.size()));
    for (int64_t x : v) t->add_int64_data(x);
    return name;
  }
  // A float scalar shared by every node that needs it (Clip's bounds, Zero's factor).
  std::string scalar(float v) {
    const std::string name = fmt::format("hwnas.scalar.{}", v);
    if (scalars_.insert(name).second) initializer(name, {}, std::span<const float>(&v, 1));
    return name;
  }

  // Conv2D and DepthwiseConv2D: one Conv, OIHW kernel, explicit pads [top, left, bottom, right].
  void conv(int id) {
    const ir::Node& n = g_.node(id);
    const ir::Attrs& a = n.attrs;
    const runtime::NodeParams& p = params_.nodes[id];
    std::vector<std::string> inputs = {in(id), initializer(n.name + ".weight", dims_of(oihw_shape(g_, id)),
                                                           oihw_kernel(g_, id, p.kernel))};
    if (!p.bias.empty()) inputs.push_back(initializer(n.name + ".bias", {n.shape.c()}, p.bias));
    auto* c = node("Conv", std::move(inputs), value_[id], n.name);
    window_attrs(c, id);
    attr(c, "dilations", std::vector<int64_t>{a.dilation_h, a.dilation_w});
    attr(c, "group", conv_groups(g_, id));
  }

  void window_attrs(onnx::NodeProto* n, int id) {
    const ir::Attrs& a = g_.node(id).attrs;
    const ir::Pads p = ir::resolve_pads(a, in_shape(id).h(), in_shape(id).w());
    attr(n, "kernel_shape", std::vector<int64_t>{a.kernel_h, a.kernel_w});
    attr(n, "strides", std::vector<int64_t>{a.stride_h, a.stride_w});
    attr(n, "pads", std::vector<int64_t>{p.top, p.left, p.bottom, p.right});
  }

  // NHWC flattening of a rank-4 tensor: Transpose to NHWC first when the orders differ.
  std::string nhwc_view(int id) {
    if (!flatten_order_differs(in_shape(id))) return in(id);
    const std::string t = g_.node(id).name + ".nhwc";
    attr(node("Transpose", {in(id)}, t, t), "perm", std::vector<int64_t>{0, 2, 3, 1});
    return t;
  }

  void fully_connected(int id) {
    const ir::Node& n = g_.node(id);
    const runtime::NodeParams& p = params_.nodes[id];
    std::string x = in(id);
    if (in_shape(id).rank() != 2) {
      // An NCHW flatten; the weight columns are reordered to match instead of transposing.
      x = n.name + ".flatten";
      attr(node("Flatten", {in(id)}, x, x), "axis", int64_t{1});
    }
    const int64_t units = n.shape[1], features = in_shape(id).numel() / in_shape(id)[0];
    std::vector<std::string> inputs = {x, initializer(n.name + ".weight", {units, features},
                                                      nchw_fc_kernel(in_shape(id), p.kernel, units))};
    if (!p.bias.empty()) inputs.push_back(initializer(n.name + ".bias", {units}, p.bias));
    attr(node("Gemm", std::move(inputs), value_[id], n.name), "transB", int64_t{1});
  }

  void batch_norm(int id) {
    const ir::Node& n = g_.node(id);
    if (n.shape.rank() == 3)
      fail("",
           "batch_norm over the last axis of a rank-3 tensor {} has no ONNX BatchNormalization "
           "(which normalises axis 1); reshape to rank 4 or 2 first",
           n.shape.str());
    std::vector<std::string> inputs = {in(id)};
    for (const char* role : {"gamma", "beta", "mean", "var"}) {
      const runtime::Tensor& t = w_.at(n.name, role);
      inputs.push_back(initializer(n.name + "." + role, {t.numel()}, t.data));
    }
    attr(node("BatchNormalization", std::move(inputs), value_[id], n.name), "epsilon", n.attrs.epsilon);
  }

  void reshape(int id) {
    const ir::Node& n = g_.node(id);
    const std::string x = nhwc_view(id);
    if (n.op == OpKind::Flatten) {
      attr(node("Flatten", {x}, value_[id], n.name), "axis", int64_t{1});
      return;
    }
    // The target is the NHWC result; a rank-4 result whose element order differs in NCHW is
    // reshaped in NHWC and transposed back, any other takes its NCHW shape directly.
    const bool back = flatten_order_differs(n.shape);
    const std::string shape = initializer_i64(n.name + ".shape", dims_of(back ? n.shape : to_nchw(n.shape)));
    if (!back) {
      node("Reshape", {x, shape}, value_[id], n.name);
      return;
    }
    const std::string r = n.name + ".reshaped";
    node("Reshape", {x, shape}, r, r);
    attr(node("Transpose", {r}, value_[id], n.name), "perm", std::vector<int64_t>{0, 3, 1, 2});
  }

  void resize(int id) {
    const ir::Node& n = g_.node(id);
    const ir::Attrs& a = n.attrs;
    const std::string sizes = initializer_i64(n.name + ".sizes", dims_of(to_nchw(n.shape)));
    auto* r = node("Resize", {in(id), "", "", sizes}, value_[id], n.name);
    // reference_kernels.h: nearest is floor(dst*in/out) (asymmetric + floor) or, with
    // align_corners, round(dst*(in-1)/(out-1)) rounding halves up; bilinear is half-pixel
    // (clamped at 0, as ONNX's edge handling does) or align_corners.
    const bool nearest = a.mode == ir::ResizeMode::Nearest;
    attr(r, "mode", std::string(nearest ? "nearest" : "linear"));
    attr(r, "coordinate_transformation_mode",
         std::string(a.align_corners ? "align_corners"
                     : nearest       ? "asymmetric"
                                     : "half_pixel"));
    if (nearest) attr(r, "nearest_mode", std::string(a.align_corners ? "round_prefer_ceil" : "floor"));
  }

  void emit(int id) {
    const ir::Node& n = g_.node(id);
    const std::string& y = value_[id];
    std::vector<std::string> all_inputs;
    for (int k = 0; k < static_cast<int>(n.inputs.size()); ++k) all_inputs.push_back(in(id, k));
    switch (n.op) {
      case OpKind::Input: {
        auto* v = out_->add_input();
        set_tensor_type(v, y, to_nchw(n.shape));
        return;
      }
      case OpKind::Conv2D:
      case OpKind::DepthwiseConv2D:
        return conv(id);
      case OpKind::FullyConnected:
        return fully_connected(id);
      case OpKind::BatchNorm:
        return batch_norm(id);
      case OpKind::Relu:
        node("Relu", all_inputs, y, n.name);
        return;
      case OpKind::Relu6:
        node("Clip", {in(id), scalar(0.0f), scalar(6.0f)}, y, n.name);
        return;
      case OpKind::HardSwish:
        node("HardSwish", all_inputs, y, n.name);
        return;
      case OpKind::HardSigmoid:
        // relu6(x+3)/6 = max(0, min(1, x/6 + 0.5)): alpha 1/6 and ONNX's default beta 0.5,
        // left implicit because OpenCV 4.6 mis-fuses a HardSigmoid with an explicit beta.
        attr(node("HardSigmoid", all_inputs, y, n.name), "alpha", 1.0f / 6.0f);
        return;
      case OpKind::Sigmoid:
        node("Sigmoid", all_inputs, y, n.name);
        return;
      case OpKind::Swish: {
        const std::string s = n.name + ".sigmoid";
        node("Sigmoid", {in(id)}, s, s);
        node("Mul", {in(id), s}, y, n.name);
        return;
      }
      case OpKind::Add:
        node(n.inputs.size() == 2 ? "Add" : "Sum", all_inputs, y, n.name);
        return;
      case OpKind::Mul:
        node("Mul", all_inputs, y, n.name);
        return;
      case OpKind::Concat:
        attr(node("Concat", all_inputs, y, n.name), "axis", int64_t{nchw_axis(n.attrs.axis, n.shape.rank())});
        return;
      case OpKind::AvgPool: {
        auto* p = node("AveragePool", all_inputs, y, n.name);
        window_attrs(p, id);
        attr(p, "count_include_pad", int64_t{n.attrs.count_include_pad});
        return;
      }
      case OpKind::MaxPool:
        window_attrs(node("MaxPool", all_inputs, y, n.name), id);
        return;
      case OpKind::GlobalAvgPool:
        node("GlobalAveragePool", all_inputs, y, n.name);
        return;
      case OpKind::Reshape:
      case OpKind::Flatten:
        return reshape(id);
      case OpKind::Softmax:
        attr(node("Softmax", all_inputs, y, n.name), "axis", int64_t{nchw_axis(n.attrs.axis, n.shape.rank())});
        return;
      case OpKind::Pad: {
        const ir::Attrs& a = n.attrs;
        const std::string pads =
            initializer_i64(n.name + ".pads", {0, 0, a.pad_top, a.pad_left, 0, 0, a.pad_bottom, a.pad_right});
        attr(node("Pad", {in(id), pads, scalar(a.value)}, y, n.name), "mode", std::string("constant"));
        return;
      }
      case OpKind::Resize:
        return resize(id);
      case OpKind::Zero:
        node("Mul", {in(id), scalar(0.0f)}, y, n.name);
        return;  // NB201's Zero: x * 0
    }
    fail("", "operator {} has no ONNX mapping", ir::op_name(n.op));
  }

  // Outputs, and the shape of every other value so that strict shape inference checks each.
  void declare_values() {
    std::set<std::string> declared;
    for (int id : g_.inputs()) declared.insert(value_[id]);
    for (int id : g_.outputs()) {
      if (!declared.insert(value_[id]).second) continue;  // listed twice, or an input
      set_tensor_type(out_->add_output(), value_[id], to_nchw(g_.node(id).shape));
    }
    for (int id = 0; id < g_.size(); ++id)
      if (declared.insert(value_[id]).second)
        set_tensor_type(out_->add_value_info(), value_[id], to_nchw(g_.node(id).shape));
  }

  const ir::Graph& g_;
  const runtime::Weights& w_;
  runtime::InferenceParams params_;
  onnx::GraphProto* out_;
  std::vector<std::string> value_;  // per IR node, the ONNX value holding its result
  std::set<std::string> scalars_;
};

}  // namespace

void check_onnx(std::string_view bytes, const std::string& where) {
  onnx::ModelProto m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    fail(where, "is not a serialized ONNX model (protobuf parse failed)");
  try {
    onnx::checker::check_model(m);
    onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict=*/1));
  } catch (const std::exception& e) {
    fail(where, "fails the ONNX checker: {}", e.what());
  }
}

OnnxModel export_onnx(const ir::Graph& g, const runtime::Weights& w, const OnnxOptions& options) {
  onnx::ModelProto m;
  m.set_ir_version(kIrVersion);
  m.set_producer_name("hwnas");
  m.set_producer_version(std::string(version()));
  m.set_doc_string("exported by hwnas: NCHW tensors, BatchNorm " +
                   std::string(options.fold_batchnorm ? "folded into the preceding layers" : "kept"));
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  Exporter(g, w, options, m.mutable_graph()).run();

  OnnxModel out;
  out.graph = g.name();
  out.nodes = m.graph().node_size();
  out.initializers = m.graph().initializer_size();
  for (const auto& t : m.graph().initializer())
    if (t.data_type() == onnx::TensorProto::FLOAT)
      out.weight_values += static_cast<int64_t>(t.raw_data().size() / sizeof(float));
  for (int id : g.inputs()) out.inputs.emplace_back(g.node(id).name, to_nchw(g.node(id).shape));
  for (const auto& o : m.graph().output()) {
    ir::Shape s;
    for (const auto& d : o.type().tensor_type().shape().dim()) s.push_back(d.dim_value());
    out.outputs.emplace_back(o.name(), s);
  }
  if (!m.SerializeToString(&out.bytes))
    fail("graph '" + g.name() + "'", "ONNX serialization failed (model over 2 GiB?)");
  check_onnx(out.bytes, "ONNX export of graph '" + g.name() + "'");
  return out;
}

void write_onnx(const std::filesystem::path& path, const OnnxModel& model) { write_file_atomic(path, model.bytes); }

}  // namespace hwnas::interop
