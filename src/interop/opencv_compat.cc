#include "hwnas/interop/opencv_compat.h"

#include <cstring>
#include <map>
#include <optional>

#include <onnx/onnx_pb.h>

#include "hwnas/core/error.h"

namespace hwnas::interop {
namespace {

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

void erase_attr(onnx::NodeProto& n, const std::string& name) {
  auto* attrs = n.mutable_attribute();
  for (int i = 0; i < attrs->size(); ++i)
    if (attrs->Get(i).name() == name) {
      attrs->DeleteSubrange(i, 1);
      return;
    }
}

void float_attr(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

// The value of a scalar float initializer (raw or typed storage).
std::optional<float> scalar_value(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
  if (t.raw_data().size() == sizeof(float)) {
    float v;
    std::memcpy(&v, t.raw_data().data(), sizeof v);
    return v;
  }
  if (t.float_data_size() == 1) return t.float_data(0);
  return std::nullopt;
}

// Clip(x, min, max) with initializer bounds -> Clip(x) with min/max attributes.
void clip_bounds_to_attributes(onnx::NodeProto& n, const std::map<std::string, const onnx::TensorProto*>& inits) {
  std::optional<float> bounds[2];
  for (int k = 1; k < n.input_size() && k < 3; ++k) {
    if (n.input(k).empty()) continue;
    auto it = inits.find(n.input(k));
    if (it == inits.end() || !(bounds[k - 1] = scalar_value(*it->second))) return;  // not constant: leave it
  }
  while (n.input_size() > 1) n.mutable_input()->RemoveLast();
  if (bounds[0]) float_attr(n, "min", *bounds[0]);
  if (bounds[1]) float_attr(n, "max", *bounds[1]);
}

// AveragePool(count_include_pad=1, pads p) -> Pad(p, zeros) + AveragePool(no pads).
void explicit_pad_for_included_padding(onnx::GraphProto& g, int index) {
  onnx::NodeProto& pool = *g.mutable_node(index);
  const auto* include = find_attr(pool, "count_include_pad");
  const auto* pads = find_attr(pool, "pads");
  if (!include || include->i() == 0 || !pads || pads->ints_size() != 4) return;
  bool any = false;
  for (int64_t p : pads->ints()) any = any || p != 0;
  if (!any) return;
  const std::string padded = pool.output(0) + ".opencv_padded", pads_name = pool.output(0) + ".opencv_pads";
  auto* t = g.add_initializer();
  t->set_name(pads_name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(8);
  // ONNX Pad order: all begins (N, C, H, W), then all ends; pool pads are [top, left, bottom, right].
  for (int64_t v :
       {int64_t{0}, int64_t{0}, pads->ints(0), pads->ints(1), int64_t{0}, int64_t{0}, pads->ints(2), pads->ints(3)})
    t->add_int64_data(v);
  onnx::NodeProto pad;
  pad.set_op_type("Pad");
  pad.set_name(padded);
  pad.add_input(pool.input(0));
  pad.add_input(pads_name);
  pad.add_output(padded);
  pool.set_input(0, padded);
  erase_attr(pool, "pads");
  erase_attr(pool, "count_include_pad");
  // Insert before the pool to keep the node list topologically sorted.
  auto* nodes = g.mutable_node();
  nodes->Add(std::move(pad));
  for (int i = nodes->size() - 1; i > index; --i) nodes->SwapElements(i, i - 1);
}

}  // namespace

std::string opencv46_compatible(std::string_view onnx_bytes) {
  onnx::ModelProto m;
  if (!m.ParseFromArray(onnx_bytes.data(), static_cast<int>(onnx_bytes.size())))
    fail("opencv46_compatible", "the input is not a serialized ONNX model");
  onnx::GraphProto& g = *m.mutable_graph();
  std::map<std::string, const onnx::TensorProto*> inits;
  for (const auto& t : g.initializer()) inits[t.name()] = &t;
  for (int i = 0; i < g.node_size(); ++i) {
    onnx::NodeProto& n = *g.mutable_node(i);
    if (n.op_type() == "Clip") clip_bounds_to_attributes(n, inits);
  }
  for (int i = 0; i < g.node_size(); ++i)
    if (g.node(i).op_type() == "AveragePool") {
      const int before = g.node_size();
      explicit_pad_for_included_padding(g, i);
      i += g.node_size() - before;  // skip the pool, now one further on
    }
  std::string out;
  m.SerializeToString(&out);
  return out;
}

}  // namespace hwnas::interop
