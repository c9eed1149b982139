#include "hwnas/interop/onnx_import.h"

#include <climits>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/interop/nchw.h"
#include "hwnas/ir/shape_inference.h"
#include "onnx_constants.h"

namespace hwnas::interop {
namespace {

using ir::OpKind;
using onnx_import_detail::Constant;

constexpr std::string_view kSupported =
    "Conv, Gemm, MatMul, BatchNormalization, Relu, Clip (0..6 or 0..inf), HardSwish, HardSigmoid, Sigmoid, Add, Sum, "
    "Mul, Concat, Flatten, Reshape (to/from [N,C]), Transpose (to NHWC before a Reshape), MaxPool, AveragePool, GlobalAveragePool, ReduceMean (over H,W), Pad, "
    "Resize, Softmax, Dropout, Identity, and constant shape arithmetic";

// A value of the ONNX graph: a node of the ir graph (a tensor computed at run time) or a constant.
struct Value {
  int node = -1;  // ir node id, or -1 for a constant
  Constant constant;
  // Set when this rank-2 value flattened a feature map [N,H,W,C] whose NCHW flattening orders
  // elements differently: a fully-connected layer reading it reorders its columns.
  std::optional<ir::Shape> flattened_from;
  // Set by Transpose(perm 0,2,3,1) of a feature map: ONNX sees [N,H,W,C], which is the ir
  // tensor as it is. Exporters write it before a reshape that must flatten in NHWC order
  // (hwnas's own exporter, TensorFlow's), and on a graph input that tf2onnx transposes to NCHW;
  // only Reshape, Flatten and the Transpose back may read it.
  bool nhwc_view = false;
};

// ONNX's dims of an ir tensor: rank 4 is NCHW.
std::vector<int64_t> onnx_dims(const ir::Shape& nhwc) { return dims_of(to_nchw(nhwc)); }

// An axis of an ONNX (NCHW) tensor of rank `rank` -> the same axis of the ir (NHWC) tensor.
int nhwc_axis(int64_t axis, int rank) {
  const int a = static_cast<int>(axis < 0 ? axis + rank : axis);
  if (rank != 4) return a;
  static constexpr int kMap[4] = {0, 3, 1, 2};  // N, C, H, W -> positions in NHWC
  return kMap[a];
}

class Importer {
 public:
  Importer(const onnx::ModelProto& model, std::string where) : model_(model), where_(std::move(where)) {}

  ImportedOnnx run() {
    for (const auto& op : model_.opset_import())
      if (op.domain().empty() || op.domain() == "ai.onnx") out_.opset = static_cast<int>(op.version());
    out_.producer = model_.producer_name() + (model_.producer_version().empty() ? "" : " " + model_.producer_version());
    const onnx::GraphProto& g = model_.graph();
    out_.graph.set_name(model_.graph().name().empty() ? "onnx" : model_.graph().name());

    for (const auto& t : g.initializer())
      values_[t.name()].constant = onnx_import_detail::read_tensor(t, at("initializer '" + t.name() + "'"));
    scan_graph();
    for (const auto& in : g.input())
      if (!values_.count(in.name())) add_input(in);
    for (const auto& n : g.node()) convert(n);

    std::vector<int> outputs;
    for (const auto& o : g.output()) {
      const Value& v = value(o.name(), at("graph output '" + o.name() + "'"));
      if (v.node < 0) fail(at("graph output '" + o.name() + "'"), "is a constant; hwnas graphs compute their outputs");
      if (v.flattened_from)
        fail(at("graph output '" + o.name() + "'"),
             "flattens a feature map (NCHW order) that hwnas holds NHWC; end the model with a layer after the flatten");
      outputs.push_back(v.node);
    }
    out_.graph.set_outputs(outputs);
    runtime::check_weights(out_.graph, out_.weights);
    return std::move(out_);
  }

 private:
  const onnx::ModelProto& model_;
  std::string where_;
  ImportedOnnx out_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, const onnx::NodeProto*> producer_;
  std::unordered_map<std::string, int> consumers_;
  std::unordered_map<std::string, std::vector<const onnx::NodeProto*>> readers_;
  std::set<const onnx::NodeProto*> skip_;                                   // folded into a later node
  std::map<const onnx::NodeProto*, std::pair<OpKind, std::string>> gated_;  // Mul(x, sigmoid-like(x)) -> (swish, x)
  // MatMul -> (the constant its Add adds, the Add's output, which the FC defines)
  std::map<const onnx::NodeProto*, std::pair<std::string, std::string>> matmul_bias_;
  std::set<std::string> names_;
  bool noted_batch_ = false;

  std::string at(const std::string& what) const { return where_ + ": " + what; }
  std::string at(const onnx::NodeProto& n) const {
    const std::string label = !n.name().empty() ? n.name() : n.output_size() > 0 ? n.output(0) : "unnamed";
    return at(fmt::format("node '{}' ({}, opset {})", label, n.op_type(), out_.opset));
  }

  const Value& value(const std::string& name, const std::string& where) const {
    const auto it = values_.find(name);
    if (it == values_.end()) fail(where, "reads '{}', which no earlier node, input or initializer defines", name);
    return it->second;
  }
  const Value& input(const onnx::NodeProto& n, int k) const {
    if (k >= n.input_size() || n.input(k).empty()) fail(at(n), "input {} is missing", k);
    return value(n.input(k), at(n));
  }
  int tensor(const onnx::NodeProto& n, int k, bool nhwc_view_ok = false) const {
    const Value& v = input(n, k);
    if (v.node < 0)
      fail(at(n), "input {} ('{}') is a constant; hwnas reads it as a computed tensor only", k, n.input(k));
    if (v.nhwc_view && !nhwc_view_ok)
      fail(at(n),
           "reads a feature map transposed to NHWC; hwnas imports that transpose only before a Reshape or Flatten "
           "(or a Transpose back to NCHW)");
    return v.node;
  }
  int tensor_named(const onnx::NodeProto& n, const std::string& name) const {
    const Value& v = value(name, at(n));
    if (v.node < 0) fail(at(n), "'{}' is a constant; hwnas reads it as a computed tensor only", name);
    return v.node;
  }
  const Constant& constant(const onnx::NodeProto& n, int k) const {
    const Value& v = input(n, k);
    if (v.node >= 0)
      fail(at(n), "input {} ('{}') must be a constant (an initializer or folded from shapes)", k, n.input(k));
    return v.constant;
  }
  const Constant* optional_constant(const onnx::NodeProto& n, int k) const {
    return k < n.input_size() && !n.input(k).empty() ? &constant(n, k) : nullptr;
  }
  const ir::Shape& shape(int node) const { return out_.graph.node(node).shape; }

  static const onnx::AttributeProto* attr(const onnx::NodeProto& n, std::string_view name) {
    for (const auto& a : n.attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  static int64_t attr_int(const onnx::NodeProto& n, std::string_view name, int64_t fallback) {
    const auto* a = attr(n, name);
    return a ? a->i() : fallback;
  }
  static float attr_float(const onnx::NodeProto& n, std::string_view name, float fallback) {
    const auto* a = attr(n, name);
    return a ? a->f() : fallback;
  }
  static std::string attr_string(const onnx::NodeProto& n, std::string_view name, std::string fallback) {
    const auto* a = attr(n, name);
    return a ? a->s() : fallback;
  }
  static std::vector<int64_t> attr_ints(const onnx::NodeProto& n, std::string_view name,
                                        std::vector<int64_t> fallback) {
    const auto* a = attr(n, name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
  }
  int to_int(const onnx::NodeProto& n, int64_t v, const char* what) const {
    if (v < INT_MIN / 2 || v > INT_MAX / 2) fail(at(n), "{} {} is out of range", what, v);
    return static_cast<int>(v);
  }

  std::string unique_name(const onnx::NodeProto& n) {
    std::string base = n.name().empty() ? n.output(0) : n.name();
    if (base.empty()) base = n.op_type();
    std::string name = base;
    for (int k = 2; names_.count(name); ++k) name = fmt::format("{}_{}", base, k);
    names_.insert(name);
    return name;
  }

  int add(const onnx::NodeProto& n, OpKind op, std::vector<int> inputs, const ir::Attrs& a = {}) {
    try {
      return out_.graph.add(op, std::move(inputs), a, unique_name(n));
    } catch (const Error& e) {
      throw e.within(at(n));
    }
  }
  void define(const onnx::NodeProto& n, int node) {
    for (int k = 1; k < n.output_size(); ++k)
      if (!n.output(k).empty() && consumers_[n.output(k)] > 0)
        fail(at(n), "output {} ('{}') is used; hwnas reads only the first output of a {}", k, n.output(k), n.op_type());
    values_[n.output(0)] = Value{node, {}, std::nullopt};
  }
  void alias(const onnx::NodeProto& n, const Value& v) { values_[n.output(0)] = v; }

  void add_input(const onnx::ValueInfoProto& in) {
    const std::string where = at("graph input '" + in.name() + "'");
    const auto& type = in.type().tensor_type();
    if (type.elem_type() != onnx::TensorProto::FLOAT)
      fail(where, "has data type {}; hwnas models take float32 inputs", type.elem_type());
    const auto& dims = type.shape().dim();
    if (dims.size() != 4 && dims.size() != 2)
      fail(where, "has rank {}; hwnas takes images [N,C,H,W] or vectors [N,F]", dims.size());
    ir::Shape nchw;
    for (int k = 0; k < dims.size(); ++k) {
      int64_t d = dims[k].has_dim_value() ? dims[k].dim_value() : -1;
      if (d <= 0 && k == 0) {
        d = 1;  // a symbolic batch ("batch_size") runs one example, as benchmark tools do
        if (!noted_batch_)
          out_.notes.push_back(fmt::format("input '{}': symbolic batch dimension set to 1", in.name()));
        noted_batch_ = true;
      }
      if (d <= 0 || d > (1 << 24))
        fail(where, "dimension {} is '{}'; export the model with a fixed input size", k,
             dims[k].has_dim_param() ? dims[k].dim_param() : std::to_string(d));
      nchw.push_back(d);
    }
    // TensorFlow's exporter (tf2onnx) keeps the NHWC input and transposes it to NCHW first:
    // then the input already is the ir's layout, and the Transpose turns it into NCHW meaning.
    bool nhwc = nchw.rank() == 4 && !readers_[in.name()].empty();
    for (const onnx::NodeProto* r : readers_[in.name()])
      nhwc = nhwc && r->op_type() == "Transpose" && attr_ints(*r, "perm", {}) == std::vector<int64_t>{0, 3, 1, 2};
    ir::Attrs a;
    a.shape = nchw.rank() == 4 && !nhwc ? ir::Shape{nchw[0], nchw[2], nchw[3], nchw[1]} : nchw;
    const int id = out_.graph.add(OpKind::Input, {}, a, in.name());
    names_.insert(in.name());
    values_[in.name()] = Value{id, {}, std::nullopt, nhwc};
    if (nhwc) out_.notes.push_back(fmt::format("input '{}' is NHWC (transposed to NCHW in the file)", in.name()));
  }

  // Producers, consumers and readers per value, and the patterns that become one ir node: x * sigmoid(x) (swish),
  // x * hardsigmoid(x) (hardswish), MatMul followed by Add of a constant (a biased FC).
  void scan_graph() {
    const auto& g = model_.graph();
    for (const auto& n : g.node()) {
      for (const auto& o : n.output()) producer_[o] = &n;
      for (const auto& i : n.input()) {
        ++consumers_[i];
        readers_[i].push_back(&n);
      }
    }
    for (const auto& o : g.output()) ++consumers_[o.name()];
    auto made_by = [&](const std::string& v, const char* op) -> const onnx::NodeProto* {
      const auto it = producer_.find(v);
      return it != producer_.end() && it->second->op_type() == op ? it->second : nullptr;
    };
    for (const auto& n : g.node()) {
      if (n.op_type() == "Mul" && n.input_size() == 2) {
        for (int k = 0; k < 2; ++k) {
          const std::string &x = n.input(k), &gate = n.input(1 - k);
          for (const auto& [op, kind] :
               {std::pair{"Sigmoid", OpKind::Swish}, std::pair{"HardSigmoid", OpKind::HardSwish}}) {
            const onnx::NodeProto* s = made_by(gate, op);
            if (!s || s->input_size() < 1 || s->input(0) != x || consumers_[gate] != 1) continue;
            if (kind == OpKind::HardSwish && !is_torch_hardsigmoid(*s)) continue;
            skip_.insert(s);
            gated_[&n] = {kind, x};
          }
          if (gated_.count(&n)) break;
        }
      }
      if (n.op_type() == "Add" && n.input_size() == 2 && n.output_size() > 0) {
        for (int k = 0; k < 2; ++k) {
          const onnx::NodeProto* mm = made_by(n.input(k), "MatMul");
          const auto c = values_.find(n.input(1 - k));  // initializers are read already
          if (!mm || consumers_[n.input(k)] != 1 || c == values_.end() || c->second.node >= 0) continue;
          matmul_bias_[mm] = {n.input(1 - k), n.output(0)};
          skip_.insert(&n);
          break;
        }
      }
    }
  }

  static bool is_torch_hardsigmoid(const onnx::NodeProto& n) {
    return std::abs(attr_float(n, "alpha", 0.2f) - 1.0f / 6.0f) < 1e-6f &&
           std::abs(attr_float(n, "beta", 0.5f) - 0.5f) < 1e-6f;
  }

  void convert(const onnx::NodeProto& n) {
    if (skip_.count(&n)) return;
    if (n.output_size() < 1 || n.output(0).empty()) fail(at(n), "has no output");
    if (!n.domain().empty() && n.domain() != "ai.onnx")
      fail(at(n), "is in domain '{}'; hwnas reads the default ONNX domain: {}", n.domain(), kSupported);
    const std::string& op = n.op_type();
    if (op == "Constant") {
      values_[n.output(0)].constant = onnx_import_detail::constant_node_value(n, at(n));
      return;
    }
    if (op == "Shape") {
      const Value& of = input(n, 0);
      const std::vector<int64_t> dims = of.node < 0    ? of.constant.dims
                                        : of.nhwc_view ? dims_of(shape(of.node))
                                                       : onnx_dims(shape(of.node));
      int64_t start = attr_int(n, "start", 0), end = attr_int(n, "end", static_cast<int64_t>(dims.size()));
      const auto rank = static_cast<int64_t>(dims.size());
      start = std::clamp(start < 0 ? start + rank : start, int64_t{0}, rank);
      end = std::clamp(end < 0 ? end + rank : end, int64_t{0}, rank);
      Value v;
      v.constant.is_int = true;
      v.constant.i.assign(dims.begin() + start, dims.begin() + std::max(start, end));
      v.constant.dims = {static_cast<int64_t>(v.constant.i.size())};
      values_[n.output(0)] = v;
      return;
    }
    if (all_inputs_constant(n) && onnx_import_detail::foldable(op)) {
      std::vector<const Constant*> in;
      for (int k = 0; k < n.input_size(); ++k) in.push_back(n.input(k).empty() ? nullptr : &constant(n, k));
      values_[n.output(0)].constant = onnx_import_detail::fold(n, in, at(n));
      return;
    }
    if (op == "Identity" || op == "Dropout") return alias(n, input(n, 0));
    if (op == "Transpose") return transpose(n);
    if (op == "Conv") return conv(n);
    if (op == "BatchNormalization") return batch_norm(n);
    if (op == "Gemm" || op == "MatMul") return fully_connected(n);
    if (op == "Relu") return define(n, add(n, OpKind::Relu, {tensor(n, 0)}));
    if (op == "Sigmoid") return define(n, add(n, OpKind::Sigmoid, {tensor(n, 0)}));
    if (op == "HardSwish") return define(n, add(n, OpKind::HardSwish, {tensor(n, 0)}));
    if (op == "HardSigmoid") {
      if (!is_torch_hardsigmoid(n))
        fail(at(n), "has alpha {} and beta {}; hwnas's hardsigmoid is relu6(x + 3) / 6 (alpha 1/6, beta 0.5)",
             attr_float(n, "alpha", 0.2f), attr_float(n, "beta", 0.5f));
      return define(n, add(n, OpKind::HardSigmoid, {tensor(n, 0)}));
    }
    if (op == "Clip") return clip(n);
    if (op == "Add" || op == "Mul") return binary(n);
    if (op == "Sum") return sum(n);
    if (op == "Concat") return concat(n);
    if (op == "Flatten") return flatten(n, attr_int(n, "axis", 1));
    if (op == "Reshape") return reshape(n);
    if (op == "MaxPool" || op == "AveragePool") return pool(n);
    if (op == "GlobalAveragePool") return define(n, add(n, OpKind::GlobalAvgPool, {tensor(n, 0)}));
    if (op == "ReduceMean") return reduce_mean(n);
    if (op == "Pad") return pad(n);
    if (op == "Resize" || op == "Upsample") return resize(n);
    if (op == "Softmax") return softmax(n);
    fail(at(n), "operator {} is not supported; hwnas imports: {}", op, kSupported);
  }

  bool all_inputs_constant(const onnx::NodeProto& n) const {
    for (const auto& i : n.input()) {
      if (i.empty()) continue;
      const auto it = values_.find(i);
      if (it == values_.end() || it->second.node >= 0) return false;
    }
    return n.input_size() > 0;
  }

  // ONNX pads [top, left, bottom, right] (x1_begin, x2_begin, x1_end, x2_end) or auto_pad.
  void spatial(const onnx::NodeProto& n, ir::Attrs& a, bool dilations) {
    const auto strides = attr_ints(n, "strides", {1, 1});
    const auto dil = attr_ints(n, "dilations", {1, 1});
    if (strides.size() != 2 || dil.size() != 2)
      fail(at(n), "is not two-dimensional; hwnas imports 2-D convolutions and pools");
    a.stride_h = to_int(n, strides[0], "stride");
    a.stride_w = to_int(n, strides[1], "stride");
    if (dilations) {
      a.dilation_h = to_int(n, dil[0], "dilation");
      a.dilation_w = to_int(n, dil[1], "dilation");
    } else if (dil[0] != 1 || dil[1] != 1) {
      fail(at(n), "has dilations; hwnas pools are not dilated");
    }
    const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER") {
      a.padding = ir::Padding::Same;  // TensorFlow's SAME: the odd pixel at the end
    } else if (auto_pad == "VALID") {
      a.padding = ir::Padding::Valid;
    } else if (auto_pad == "NOTSET") {
      const auto pads = attr_ints(n, "pads", {0, 0, 0, 0});
      if (pads.size() != 4) fail(at(n), "has {} pads; a 2-D operator takes 4", pads.size());
      for (const int64_t p : pads)
        if (p < 0) fail(at(n), "has a negative pad {}", p);
      a.padding = ir::Padding::Explicit;
      a.pad_top = to_int(n, pads[0], "pad");
      a.pad_left = to_int(n, pads[1], "pad");
      a.pad_bottom = to_int(n, pads[2], "pad");
      a.pad_right = to_int(n, pads[3], "pad");
    } else {
      fail(at(n), "auto_pad {} is not supported: NOTSET (explicit pads), SAME_UPPER or VALID", auto_pad);
    }
  }

  void conv(const onnx::NodeProto& n) {
    const int x = tensor(n, 0);
    const Constant& w = constant(n, 1);
    const Constant* b = optional_constant(n, 2);
    if (w.is_int) fail(at(n), "has integer weights; hwnas imports float models (quantize them with `hwnas quantize`)");
    if (shape(x).rank() != 4 || w.dims.size() != 4)
      fail(at(n), "is not a 2-D convolution (input rank {}); hwnas imports Conv2d", shape(x).rank());
    const int64_t cout = w.dims[0], cin_g = w.dims[1], kh = w.dims[2], kw = w.dims[3];
    const int64_t cin = shape(x).c(), groups = attr_int(n, "group", 1);
    if (groups < 1 || cin % groups || cin / groups != cin_g || cout % groups)
      fail(at(n), "weights [{},{},{},{}] with group {} do not fit an input of {} channels", cout, cin_g, kh, kw, groups,
           cin);
    const auto ks = attr_ints(n, "kernel_shape", {kh, kw});
    if (ks.size() != 2 || ks[0] != kh || ks[1] != kw) fail(at(n), "kernel_shape does not match the weights");
    ir::Attrs a;
    a.kernel_h = to_int(n, kh, "kernel");
    a.kernel_w = to_int(n, kw, "kernel");
    spatial(n, a, true);
    a.bias = b != nullptr;
    const bool depthwise = groups > 1 && groups == cin && cin_g == 1;
    runtime::NodeWeights nw;
    if (depthwise) {
      a.multiplier = static_cast<int>(cout / cin);
      // [C*m, 1, kh, kw] -> [1, kh, kw, C*m]
      runtime::Tensor k(ir::Shape{1, kh, kw, cout});
      for (int64_t o = 0; o < cout; ++o)
        for (int64_t i = 0; i < kh * kw; ++i)
          k.data[static_cast<size_t>(i * cout + o)] = w.f[static_cast<size_t>(o * kh * kw + i)];
      nw["kernel"] = std::move(k);
    } else {
      a.out_channels = static_cast<int>(cout);
      a.groups = static_cast<int>(groups);
      // [Cout, Cin/g, kh, kw] -> [Cout, kh, kw, Cin/g]
      runtime::Tensor k(ir::Shape{cout, kh, kw, cin_g});
      for (int64_t o = 0; o < cout; ++o)
        for (int64_t c = 0; c < cin_g; ++c)
          for (int64_t i = 0; i < kh * kw; ++i)
            k.data[static_cast<size_t>((o * kh * kw + i) * cin_g + c)] =
                w.f[static_cast<size_t>((o * cin_g + c) * kh * kw + i)];
      nw["kernel"] = std::move(k);
    }
    if (b) nw["bias"] = vector_tensor(n, *b, cout, "bias");
    const int id = add(n, depthwise ? OpKind::DepthwiseConv2D : OpKind::Conv2D, {x}, a);
    out_.weights.nodes[out_.graph.node(id).name] = std::move(nw);
    define(n, id);
  }

  runtime::Tensor vector_tensor(const onnx::NodeProto& n, const Constant& c, int64_t size, const char* role) const {
    if (c.size() != static_cast<size_t>(size)) fail(at(n), "{} has {} values, {} expected", role, c.size(), size);
    return runtime::Tensor(ir::Shape{size}, c.floats());
  }

  void batch_norm(const onnx::NodeProto& n) {
    const int x = tensor(n, 0);
    if (attr_int(n, "training_mode", 0) != 0)
      fail(at(n), "is in training mode; export the model in eval mode (model.eval())");
    const ir::Shape s = shape(x);
    if (s.rank() != 4 && s.rank() != 2)
      fail(at(n), "normalises a rank-{} tensor; hwnas imports BatchNorm2d and BatchNorm1d on [N, C]", s.rank());
    const int64_t c = s[s.rank() - 1];
    ir::Attrs a;
    a.epsilon = attr_float(n, "epsilon", 1e-5f);
    runtime::NodeWeights nw;
    const char* roles[] = {"gamma", "beta", "mean", "var"};
    for (int k = 0; k < 4; ++k) nw[roles[k]] = vector_tensor(n, constant(n, k + 1), c, roles[k]);
    const int id = add(n, OpKind::BatchNorm, {x}, a);
    out_.weights.nodes[out_.graph.node(id).name] = std::move(nw);
    define(n, id);
  }

  // Gemm(A, B, C) with alpha/beta/transB, or MatMul(A, B) (+ the Add of scan_graph()).
  void fully_connected(const onnx::NodeProto& n) {
    const bool gemm = n.op_type() == "Gemm";
    const Value& in = input(n, 0);
    const int x = tensor(n, 0);
    if (shape(x).rank() != 2)
      fail(at(n), "multiplies a rank-{} tensor; hwnas imports it after a flatten, on [N, features]", shape(x).rank());
    if (gemm && attr_int(n, "transA", 0))
      fail(at(n), "has transA = 1; hwnas imports Gemm(A, B) with A the activations");
    const Constant& w = constant(n, 1);
    if (w.dims.size() != 2) fail(at(n), "weights have rank {}, a matrix expected", w.dims.size());
    const bool trans_b = gemm && attr_int(n, "transB", 0);
    const int64_t units = trans_b ? w.dims[0] : w.dims[1], features = trans_b ? w.dims[1] : w.dims[0];
    if (features != shape(x)[1]) fail(at(n), "weights take {} features, the input has {}", features, shape(x)[1]);
    const float alpha = gemm ? attr_float(n, "alpha", 1.0f) : 1.0f, beta = gemm ? attr_float(n, "beta", 1.0f) : 1.0f;
    // [units, features] with the columns in the ir's (NHWC) flattening order.
    runtime::Tensor k(ir::Shape{units, features});
    const std::vector<float> wf = w.floats();
    for (int64_t u = 0; u < units; ++u)
      for (int64_t f = 0; f < features; ++f)
        k.data[static_cast<size_t>(u * features + nhwc_column(in, f))] =
            alpha * wf[static_cast<size_t>(trans_b ? u * features + f : f * units + u)];
    ir::Attrs a;
    a.out_channels = static_cast<int>(units);
    runtime::NodeWeights nw;
    nw["kernel"] = std::move(k);
    const Constant* c = gemm ? optional_constant(n, 2) : nullptr;
    const auto biased = matmul_bias_.find(&n);
    if (biased != matmul_bias_.end()) c = &values_.at(biased->second.first).constant;
    if (c) {
      std::vector<float> bias = c->floats();
      if (bias.size() == 1) bias.assign(static_cast<size_t>(units), bias[0]);
      for (float& v : bias) v *= beta;
      a.bias = true;
      nw["bias"] = vector_tensor(n, Constant{{}, false, bias, {}}, units, "bias");
    }
    const int id = add(n, OpKind::FullyConnected, {x}, a);
    out_.weights.nodes[out_.graph.node(id).name] = std::move(nw);
    define(n, id);
    if (biased != matmul_bias_.end()) values_[biased->second.second] = values_[n.output(0)];
  }

  // Column f of an ONNX weight over `in` (NCHW flattening) -> its column in NHWC flattening.
  static int64_t nhwc_column(const Value& in, int64_t f) {
    if (!in.flattened_from) return f;
    const ir::Shape& s = *in.flattened_from;
    const int64_t hw = s.h() * s.w(), c = f / hw, h = (f % hw) / s.w(), w = f % s.w();
    return (h * s.w() + w) * s.c() + c;
  }

  void clip(const onnx::NodeProto& n) {
    // opset 11 moved min and max from attributes to (optional) inputs.
    float lo = attr_float(n, "min", -INFINITY), hi = attr_float(n, "max", INFINITY);
    if (const Constant* c = optional_constant(n, 1)) lo = static_cast<float>(c->at(0));
    if (const Constant* c = optional_constant(n, 2)) hi = static_cast<float>(c->at(0));
    const OpKind op = lo == 0.0f && hi == 6.0f       ? OpKind::Relu6
                      : lo == 0.0f && std::isinf(hi) ? OpKind::Relu
                                                     : OpKind::Input;
    if (op == OpKind::Input)
      fail(at(n), "clips to [{}, {}]; hwnas imports Clip as relu6 [0, 6] or relu [0, inf)", lo, hi);
    define(n, add(n, op, {tensor(n, 0)}));
  }

  void binary(const onnx::NodeProto& n) {
    if (const auto it = gated_.find(&n); it != gated_.end()) {
      const auto& [op, x] = it->second;
      return define(n, add(n, op, {tensor_named(n, x)}));
    }
    const Value &a = input(n, 0), &b = input(n, 1);
    if (a.node < 0 || b.node < 0) {
      const Constant& c = a.node < 0 ? a.constant : b.constant;
      bool zero = n.op_type() == "Mul" && c.size() == 1 && c.at(0) == 0.0;
      if (zero) return define(n, add(n, OpKind::Zero, {a.node < 0 ? tensor(n, 1) : tensor(n, 0)}));  // NB201's "none"
      const float identity = n.op_type() == "Add" ? 0.0f : 1.0f;
      bool is_identity = true;
      for (size_t k = 0; k < c.size(); ++k) is_identity = is_identity && c.at(k) == identity;
      if (!is_identity)
        fail(at(n),
             "{}s a constant tensor to a computed one; hwnas graphs have no constant operands (fold it into the "
             "previous layer before export)",
             n.op_type());
      return alias(n, a.node < 0 ? b : a);
    }
    if (shape(a.node).rank() != shape(b.node).rank())
      fail(at(n), "broadcasts rank {} against rank {}; hwnas broadcasts tensors of equal rank", shape(a.node).rank(),
           shape(b.node).rank());
    define(n, add(n, n.op_type() == "Add" ? OpKind::Add : OpKind::Mul, {a.node, b.node}));
  }

  void concat(const onnx::NodeProto& n) {
    std::vector<int> in;
    for (int k = 0; k < n.input_size(); ++k) in.push_back(tensor(n, k));
    // A concat of one tensor is that tensor (torchvision's DenseNet writes one per layer).
    if (in.size() == 1) return define(n, in[0]);
    const int rank = shape(in.at(0)).rank();
    ir::Attrs a;
    const int64_t axis = attr_int(n, "axis", 1);
    if (axis < -rank || axis >= rank) fail(at(n), "axis {} is out of range for rank {}", axis, rank);
    a.axis = nhwc_axis(axis, rank);
    define(n, add(n, OpKind::Concat, std::move(in), a));
  }

  void flatten(const onnx::NodeProto& n, int64_t axis) {
    const int x = tensor(n, 0, true);
    const ir::Shape s = shape(x);
    if (axis != 1) fail(at(n), "flattens from axis {}; hwnas flattens [N, ...] to [N, features] (axis 1)", axis);
    const int id = add(n, OpKind::Flatten, {x});
    define(n, id);
    if (s.rank() == 4 && flatten_order_differs(s) && !input(n, 0).nhwc_view) values_[n.output(0)].flattened_from = s;
  }

  // NCHW -> NHWC (perm 0,2,3,1) before a reshape, and back (perm 0,3,1,2) after one.
  void transpose(const onnx::NodeProto& n) {
    Value v = input(n, 0);
    const int x = tensor(n, 0, true);
    const std::vector<int64_t> perm = attr_ints(n, "perm", {});
    const std::vector<int64_t> expected =
        v.nhwc_view ? std::vector<int64_t>{0, 3, 1, 2} : std::vector<int64_t>{0, 2, 3, 1};
    if (shape(x).rank() != 4 || perm != expected)
      fail(at(n),
           "permutes [{}] of a rank-{} tensor; hwnas imports Transpose only from NCHW to NHWC (perm 0,2,3,1) "
           "before a Reshape or Flatten, and back (perm 0,3,1,2)",
           fmt::join(perm, ","), shape(x).rank());
    v.nhwc_view = !v.nhwc_view;
    alias(n, v);
  }

  void sum(const onnx::NodeProto& n) {
    std::vector<int> in;
    for (int k = 0; k < n.input_size(); ++k) in.push_back(tensor(n, k));
    if (in.size() == 1) return alias(n, input(n, 0));
    define(n, add(n, OpKind::Add, std::move(in)));
  }

  void reshape(const onnx::NodeProto& n) {
    const int x = tensor(n, 0, true);
    const ir::Shape s = shape(x);
    const bool nhwc = input(n, 0).nhwc_view;  // the ONNX tensor is the ir tensor: its order is the ir's
    const std::vector<int64_t> from = nhwc ? dims_of(s) : onnx_dims(s);
    std::vector<int64_t> to = constant(n, 1).ints();
    int64_t known = 1;
    int infer = -1;
    for (size_t k = 0; k < to.size(); ++k) {
      if (to[k] == 0 && k < from.size() && !attr_int(n, "allowzero", 0)) to[k] = from[k];
      if (to[k] == -1) infer = static_cast<int>(k);
      else known = onnx_import_detail::checked_mul(known, to[k], at(n));
    }
    if (infer >= 0 && known > 0) to[static_cast<size_t>(infer)] = s.numel() / known;
    int64_t numel = 1;
    for (const int64_t d : to) numel = onnx_import_detail::checked_mul(numel, d, at(n));
    if (to.size() > 4)
      fail(at(n),
           "reshapes to rank {} ([{}]), as a channel shuffle does; hwnas imports reshapes to [N, features] and "
           "between [N, C] and [N, C, 1, 1]",
           to.size(), fmt::join(to, ","));
    for (const int64_t d : to)
      if (d <= 0) fail(at(n), "reshapes to [{}]: every dimension must be positive", fmt::join(to, ","));
    if (numel != s.numel() || to.empty())
      fail(at(n), "cannot reshape {} elements to [{}]", s.numel(), fmt::join(to, ","));
    if (to.size() == 2 && to[0] == s[0]) return flatten(n, 1);  // [N, C, H, W] -> [N, C*H*W]
    ir::Attrs a;
    if (nhwc) {
      // e.g. SSD's boxes [N, H*W*anchors, 4]. A rank-4 result is again a feature map in NHWC
      // order, which a Transpose(0,3,1,2) turns back into an NCHW tensor.
      for (const int64_t d : to) a.shape.push_back(d);
      define(n, add(n, OpKind::Reshape, {x}, a));
      values_[n.output(0)].nhwc_view = to.size() == 4;
      return;
    }
    // Other reshapes keep their meaning in NHWC only where both orders are the same bytes:
    // [N, C] <-> [N, C, 1, 1] (squeeze-excite written with views).
    ir::Shape target;
    for (const int64_t d : to) target.push_back(d);
    const bool same_bytes = !flatten_order_differs(s) && (to.size() != 4 || to[2] * to[3] == 1 || to[1] == 1);
    if (!same_bytes)
      fail(at(n),
           "reshapes {} to [{}], which reorders a feature map's channels (e.g. a channel shuffle); hwnas imports "
           "reshapes to [N, features] and between [N, C] and [N, C, 1, 1]",
           fmt::join(from, ","), fmt::join(to, ","));
    a.shape = target.rank() == 4 ? ir::Shape{target[0], target[2], target[3], target[1]} : target;
    define(n, add(n, OpKind::Reshape, {x}, a));
  }

  // Ceil mode (PyTorch's and ONNX's): a last window that starts inside the input or the begin
  // pad but runs past the end still makes an output. In floor mode that is extra end padding,
  // which a max pool and an average pool that does not count pads both ignore.
  void ceil_to_end_pads(const onnx::NodeProto& n, const ir::Shape& s, bool counts_pads, ir::Attrs& a) {
    if (a.padding != ir::Padding::Explicit) {  // SAME or VALID: the pads they resolve to, made explicit
      const ir::Pads p = ir::resolve_pads(a, s.h(), s.w());
      a.padding = ir::Padding::Explicit;
      a.pad_top = p.top, a.pad_left = p.left, a.pad_bottom = p.bottom, a.pad_right = p.right;
    }
    const auto extra = [](int64_t in, int64_t begin, int64_t end, int64_t k, int64_t stride) {
      const int64_t span = in + begin + end - k;
      int64_t out = (span + stride - 1) / stride + 1;
      if ((out - 1) * stride >= in + begin) --out;  // a window must not start in the end pad
      return std::max<int64_t>(0, (out - 1) * stride + k - (in + begin + end));
    };
    const int64_t bottom = extra(s.h(), a.pad_top, a.pad_bottom, a.kernel_h, a.stride_h);
    const int64_t right = extra(s.w(), a.pad_left, a.pad_right, a.kernel_w, a.stride_w);
    if ((bottom || right) && counts_pads)
      fail(at(n), "uses ceil_mode with count_include_pad=1 where it changes the output size; the last windows' "
                  "divisors cannot be imported: export with ceil_mode=False or count_include_pad=False");
    a.pad_bottom += static_cast<int>(bottom);
    a.pad_right += static_cast<int>(right);
  }

  void pool(const onnx::NodeProto& n) {
    const int x = tensor(n, 0);
    const auto ks = attr_ints(n, "kernel_shape", {});
    if (ks.size() != 2) fail(at(n), "has kernel_shape of {} dims; hwnas imports 2-D pools", ks.size());
    ir::Attrs a;
    a.kernel_h = to_int(n, ks[0], "kernel");
    a.kernel_w = to_int(n, ks[1], "kernel");
    spatial(n, a, false);
    const bool avg = n.op_type() == "AveragePool";
    if (avg) a.count_include_pad = attr_int(n, "count_include_pad", 0) != 0;
    if (attr_int(n, "ceil_mode", 0)) ceil_to_end_pads(n, shape(x), avg && a.count_include_pad, a);
    define(n, add(n, avg ? OpKind::AvgPool : OpKind::MaxPool, {x}, a));
  }

  void reduce_mean(const onnx::NodeProto& n) {
    const int x = tensor(n, 0);
    // opset 18 moved axes from an attribute to an input.
    std::vector<int64_t> axes = attr_ints(n, "axes", {});
    if (const Constant* c = optional_constant(n, 1)) axes = c->ints();
    std::set<int64_t> norm;
    for (const int64_t ax : axes) norm.insert(ax < 0 ? ax + 4 : ax);
    if (shape(x).rank() != 4 || norm != std::set<int64_t>{2, 3})
      fail(at(n),
           "averages over axes [{}]; hwnas imports ReduceMean over H and W of a feature map (a global average pool)",
           fmt::join(axes, ","));
    const int id = add(n, OpKind::GlobalAvgPool, {x});
    if (attr_int(n, "keepdims", 1)) return define(n, id);
    define(n, add(n, OpKind::Flatten, {id}));  // keepdims = 0: [N, C]
  }

  void pad(const onnx::NodeProto& n) {
    const int x = tensor(n, 0);
    if (attr_string(n, "mode", "constant") != "constant")
      fail(at(n), "mode {} is not supported; hwnas pads with a constant", attr_string(n, "mode", ""));
    // opset 11 moved pads and the value from attributes to inputs.
    std::vector<int64_t> pads = attr_ints(n, "pads", {});
    if (const Constant* c = optional_constant(n, 1)) pads = c->ints();
    ir::Attrs a;
    a.value = attr_float(n, "value", 0.0f);
    if (const Constant* c = optional_constant(n, 2)) a.value = static_cast<float>(c->at(0));
    if (pads.size() != 8 || shape(x).rank() != 4 || pads[0] || pads[1] || pads[4] || pads[5])
      fail(at(n), "pads [{}]; hwnas pads H and W of a feature map [N,C,H,W]", fmt::join(pads, ","));
    for (const int64_t p : pads)
      if (p < 0) fail(at(n), "has a negative pad (a crop); hwnas pads only");
    a.pad_top = to_int(n, pads[2], "pad");
    a.pad_left = to_int(n, pads[3], "pad");
    a.pad_bottom = to_int(n, pads[6], "pad");
    a.pad_right = to_int(n, pads[7], "pad");
    define(n, add(n, OpKind::Pad, {x}, a));
  }

  void resize(const onnx::NodeProto& n) {
    const int x = tensor(n, 0);
    const ir::Shape s = shape(x);
    if (s.rank() != 4) fail(at(n), "resizes a rank-{} tensor; hwnas resizes feature maps", s.rank());
    // Inputs: X, roi, scales, sizes (opset 11+); X, scales (Upsample and Resize-10).
    const bool v10 = n.op_type() == "Upsample" || n.input_size() == 2;
    const Constant* scales = optional_constant(n, v10 ? 1 : 2);
    const Constant* sizes = v10 ? nullptr : optional_constant(n, 3);
    ir::Attrs a;
    if (sizes && sizes->size() == 4) {
      const auto d = sizes->ints();
      a.out_h = to_int(n, d[2], "size");
      a.out_w = to_int(n, d[3], "size");
    } else if (scales && scales->size() == 4) {
      auto scaled = [&](int64_t size, double scale) {
        const double v = std::floor(static_cast<double>(size) * scale);  // NaN and huge scales fail here
        if (!(v >= 1 && v <= (1 << 24))) fail(at(n), "scale {} gives an output size of {}", scale, v);
        return static_cast<int>(v);
      };
      a.out_h = scaled(s.h(), scales->at(2));
      a.out_w = scaled(s.w(), scales->at(3));
    } else {
      fail(at(n), "needs 4 scales or 4 sizes");
    }
    const std::string mode = attr_string(n, "mode", "nearest");
    const std::string coords = attr_string(n, "coordinate_transformation_mode", v10 ? "asymmetric" : "half_pixel");
    const std::string rounding = attr_string(n, "nearest_mode", v10 ? "floor" : "round_prefer_floor");
    if (mode == "nearest" && ((coords == "asymmetric" && rounding == "floor") ||
                              (coords == "align_corners" && rounding == "round_prefer_ceil"))) {
      a.mode = ir::ResizeMode::Nearest;  // runtime/reference_kernels.cc: floor(dst*in/out), or rounded corners
      a.align_corners = coords == "align_corners";
    } else if ((mode == "linear" || mode == "bilinear") &&
               (coords == "half_pixel" || coords == "pytorch_half_pixel" || coords == "align_corners")) {
      a.mode = ir::ResizeMode::Bilinear;
      a.align_corners = coords == "align_corners";
    } else {
      fail(at(n),
           "mode {} with coordinate_transformation_mode {} is not supported; hwnas imports nearest (asymmetric with "
           "floor: PyTorch's nearest; align_corners with round_prefer_ceil) and linear (half_pixel or align_corners)",
           mode, coords);
    }
    define(n, add(n, OpKind::Resize, {x}, a));
  }

  void softmax(const onnx::NodeProto& n) {
    const int x = tensor(n, 0);
    const int rank = shape(x).rank();
    // opset 13 changed the default axis from 1 (and the 2-D coercion) to -1.
    const int64_t axis = attr_int(n, "axis", out_.opset >= 13 ? -1 : 1);
    if (axis < -rank || axis >= rank) fail(at(n), "axis {} is out of range for rank {}", axis, rank);
    if (out_.opset < 13 && rank == 4 && nhwc_axis(axis, rank) != 3)
      fail(at(n), "is a softmax over several axes (opset {} coerces to 2-D); hwnas softmaxes one axis", out_.opset);
    ir::Attrs a;
    a.axis = nhwc_axis(axis, rank);
    define(n, add(n, OpKind::Softmax, {x}, a));
  }
};

}  // namespace

ImportedOnnx import_onnx_bytes(std::string_view bytes, const std::string& where) {
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    fail(where, "is not an ONNX model (protobuf ModelProto): the file is damaged, truncated, or another format");
  if (!model.has_graph() || model.graph().node_size() == 0) fail(where, "has no graph nodes: not an ONNX model");
  return Importer(model, where).run();
}

ImportedOnnx import_onnx(const std::filesystem::path& path) {
  ImportedOnnx m = import_onnx_bytes(read_file(path), path.string());
  if (m.graph.name() == "onnx" || m.graph.name() == "main_graph" || m.graph.name() == "torch_jit")
    m.graph.set_name(path.stem().string());
  return m;
}

}  // namespace hwnas::interop
