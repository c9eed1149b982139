#include "hwnas/ir/serialize.h"

#include <fstream>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::ir {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// JSON keys of each attribute group, in the order they are written.
struct FieldKeys {
  AttrField field;
  std::vector<const char*> keys;
};
const std::vector<FieldKeys>& field_keys() {
  static const std::vector<FieldKeys> k = {
      {kKernel, {"kernel"}},     {kStride, {"stride"}},
      {kDilation, {"dilation"}}, {kPadding, {"padding", "pads"}},
      {kPads, {"pads"}},         {kOutChannels, {"out_channels", "units"}},
      {kGroups, {"groups"}},     {kMultiplier, {"multiplier"}},
      {kBias, {"bias"}},         {kCountIncludePad, {"count_include_pad"}},
      {kEpsilon, {"epsilon"}},   {kAxis, {"axis"}},
      {kShape, {"shape"}},       {kResize, {"size", "mode", "align_corners"}},
      {kValue, {"value"}},
  };
  return k;
}

ordered_json pair(int a, int b) { return ordered_json::array({a, b}); }
ordered_json shape_json(const Shape& s) {
  ordered_json a = ordered_json::array();
  for (int i = 0; i < s.rank(); ++i) a.push_back(s[i]);
  return a;
}

// The float as the shortest decimal that reads back to it (1e-05, not the double
// 9.999999747378752e-06 that widening the float gives).
double shortest(float v) { return std::stod(fmt::format("{}", v)); }

// Keys in the order of the format's description: name, op, inputs, attributes, shape.
ordered_json ordered_graph(const Graph& g) {
  ordered_json nodes = ordered_json::array();
  for (const Node& n : g.nodes()) {
    ordered_json j;
    j["name"] = n.name;
    j["op"] = op_name(n.op);
    if (!n.inputs.empty()) {
      ordered_json ins = ordered_json::array();
      for (int i : n.inputs) ins.push_back(g.node(i).name);
      j["inputs"] = ins;
    }
    const Attrs& a = n.attrs;
    const uint32_t f = attr_fields(n.op);
    if (f & kKernel) j["kernel"] = pair(a.kernel_h, a.kernel_w);
    if (f & kStride) j["stride"] = pair(a.stride_h, a.stride_w);
    if (f & kDilation) j["dilation"] = pair(a.dilation_h, a.dilation_w);
    if (f & kPadding) j["padding"] = padding_name(a.padding);
    if ((f & kPads) || ((f & kPadding) && a.padding == Padding::Explicit))
      j["pads"] = ordered_json::array({a.pad_top, a.pad_left, a.pad_bottom, a.pad_right});
    if (f & kOutChannels) j[n.op == OpKind::FullyConnected ? "units" : "out_channels"] = a.out_channels;
    if (f & kGroups) j["groups"] = a.groups;
    if (f & kMultiplier) j["multiplier"] = a.multiplier;
    if (f & kBias) j["bias"] = a.bias;
    if (f & kCountIncludePad) j["count_include_pad"] = a.count_include_pad;
    if (f & kEpsilon) j["epsilon"] = shortest(a.epsilon);
    if (f & kAxis) j["axis"] = a.axis;
    if (f & kResize) {
      j["size"] = pair(a.out_h, a.out_w);
      j["mode"] = resize_mode_name(a.mode);
      j["align_corners"] = a.align_corners;
    }
    if (f & kValue) j["value"] = shortest(a.value);
    if (n.op == OpKind::Reshape) j["target"] = shape_json(a.shape);
    j["shape"] = shape_json(n.shape);
    if (n.dtype != DType::f32) j["dtype"] = dtype_name(n.dtype);
    nodes.push_back(std::move(j));
  }
  ordered_json outputs = ordered_json::array();
  for (int o : g.outputs()) outputs.push_back(g.node(o).name);
  return ordered_json{
      {"format", "hwnas.graph"}, {"version", 1}, {"name", g.name()}, {"nodes", nodes}, {"outputs", outputs}};
}

// One line per value, with a space after each ':' and ','.
std::string inline_text(const ordered_json& v) {
  std::string s;
  if (v.is_object()) {
    for (const auto& [key, item] : v.items())
      s += fmt::format("{}{}: {}", s.empty() ? "" : ", ", json(key).dump(), inline_text(item));
    return "{" + s + "}";
  }
  if (v.is_array()) {
    for (const ordered_json& item : v) s += (s.empty() ? "" : ", ") + inline_text(item);
    return "[" + s + "]";
  }
  return v.dump();
}

// The file: one node per line, so that a graph reads (and diffs) like a list of layers.
std::string graph_text(const Graph& g) {
  const ordered_json j = ordered_graph(g);
  std::string s = "{\n";
  for (const char* key : {"format", "version", "name"}) s += fmt::format("  \"{}\": {},\n", key, j[key].dump());
  s += "  \"nodes\": [\n";
  const ordered_json& nodes = j["nodes"];
  for (size_t i = 0; i < nodes.size(); ++i) s += "    " + inline_text(nodes[i]) + (i + 1 < nodes.size() ? ",\n" : "\n");
  return s + "  ],\n  \"outputs\": " + inline_text(j["outputs"]) + "\n}\n";
}

}  // namespace

json to_json(const Graph& g) { return ordered_graph(g); }

namespace {

// Whether an integer JSON value fits an int: kernel sizes, strides, pads and shape dimensions
// beyond it are no real layer's, and overflowed the shape arithmetic (fuzz/graph_json_fuzzer.cc).
bool fits_int(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int>::max());
  const int64_t i = v.get<int64_t>();
  return i >= -std::numeric_limits<int>::max() && i <= std::numeric_limits<int>::max();
}

// Reads typed values out of one JSON object, with errors that say where.
class Reader {
 public:
  Reader(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  const std::string& where() const { return where_; }
  bool has(const char* key) const { return j_.contains(key); }

  int integer(const char* key) const {
    const json& v = at(key);
    // In int's range: get<int>() would silently wrap 4294967299 to 3.
    if (!v.is_number_integer() || !fits_int(v)) fail(where_ + "." + key, "expected an integer, got {}", v.dump());
    return v.get<int>();
  }
  bool boolean(const char* key) const {
    const json& v = at(key);
    if (!v.is_boolean()) fail(where_ + "." + key, "expected true or false, got {}", v.dump());
    return v.get<bool>();
  }
  float number(const char* key) const {
    const json& v = at(key);
    if (!v.is_number()) fail(where_ + "." + key, "expected a number, got {}", v.dump());
    return v.get<float>();
  }
  std::string string(const char* key) const {
    const json& v = at(key);
    if (!v.is_string()) fail(where_ + "." + key, "expected a string, got {}", v.dump());
    return v.get<std::string>();
  }
  std::vector<int64_t> ints(const char* key, size_t min_n, size_t max_n) const {
    const json& v = at(key);
    const auto bad = [&] {
      fail(where_ + "." + key, "expected a list of {} integers, got {}",
           min_n == max_n ? std::to_string(min_n) : fmt::format("{} to {}", min_n, max_n), v.dump());
    };
    if (!v.is_array() || v.size() < min_n || v.size() > max_n) bad();
    std::vector<int64_t> out;
    for (const json& e : v) {
      if (!e.is_number_integer() || !fits_int(e)) bad();  // attributes are ints; see shape() for dims
      out.push_back(e.get<int64_t>());
    }
    return out;
  }
  Shape shape(const char* key) const {
    Shape s;
    int64_t numel = 1;
    for (int64_t d : ints(key, 1, Shape::kMaxRank)) {
      // Bounded so that element counts and byte sizes stay far from int64 overflow (a negative
      // dimension is an error of shape inference; its size counts here too).
      const int64_t m = d < 0 ? -d : d;
      if (m > 0 && numel > (int64_t{1} << 40) / m)
        fail(where_ + "." + key, "{} has more than 2^40 elements; no real tensor is that large", v_dump(key));
      numel *= m;
      s.push_back(d);
    }
    return s;
  }

 private:
  std::string v_dump(const char* key) const { return at(key).dump(); }
  const json& at(const char* key) const {
    if (!j_.contains(key)) fail(where_, "missing key '{}'", key);
    return j_.at(key);
  }
  const json& j_;
  std::string where_;
};

Attrs read_attrs(OpKind op, const Reader& r) {
  Attrs a;
  const uint32_t f = attr_fields(op);
  if ((f & kKernel) && r.has("kernel")) {
    auto k = r.ints("kernel", 2, 2);
    a.kernel_h = static_cast<int>(k[0]), a.kernel_w = static_cast<int>(k[1]);
  }
  if ((f & kStride) && r.has("stride")) {
    auto s = r.ints("stride", 2, 2);
    a.stride_h = static_cast<int>(s[0]), a.stride_w = static_cast<int>(s[1]);
  }
  if ((f & kDilation) && r.has("dilation")) {
    auto d = r.ints("dilation", 2, 2);
    a.dilation_h = static_cast<int>(d[0]), a.dilation_w = static_cast<int>(d[1]);
  }
  if ((f & kPadding) && r.has("padding")) {
    const std::string p = r.string("padding");
    auto mode = padding_from_name(p);
    if (!mode) fail(r.where() + ".padding", "unknown padding '{}' (expected valid, same or explicit)", p);
    a.padding = *mode;
  }
  if (((f & kPads) || ((f & kPadding) && a.padding == Padding::Explicit)) && r.has("pads")) {
    auto p = r.ints("pads", 4, 4);
    a.pad_top = static_cast<int>(p[0]), a.pad_left = static_cast<int>(p[1]);
    a.pad_bottom = static_cast<int>(p[2]), a.pad_right = static_cast<int>(p[3]);
  }
  if (f & kOutChannels) a.out_channels = r.integer(op == OpKind::FullyConnected ? "units" : "out_channels");
  if ((f & kGroups) && r.has("groups")) a.groups = r.integer("groups");
  if ((f & kMultiplier) && r.has("multiplier")) a.multiplier = r.integer("multiplier");
  if ((f & kBias) && r.has("bias")) a.bias = r.boolean("bias");
  if ((f & kCountIncludePad) && r.has("count_include_pad")) a.count_include_pad = r.boolean("count_include_pad");
  if ((f & kEpsilon) && r.has("epsilon")) a.epsilon = r.number("epsilon");
  if ((f & kAxis) && r.has("axis")) a.axis = r.integer("axis");
  if (op == OpKind::Input) a.shape = r.shape("shape");
  if (op == OpKind::Reshape) a.shape = r.shape("target");
  if (f & kResize) {
    auto s = r.ints("size", 2, 2);
    a.out_h = static_cast<int>(s[0]), a.out_w = static_cast<int>(s[1]);
    if (r.has("mode")) {
      const std::string m = r.string("mode");
      auto mode = resize_mode_from_name(m);
      if (!mode) fail(r.where() + ".mode", "unknown resize mode '{}' (expected nearest or bilinear)", m);
      a.mode = *mode;
    }
    if (r.has("align_corners")) a.align_corners = r.boolean("align_corners");
  }
  if ((f & kValue) && r.has("value")) a.value = r.number("value");
  return a;
}

std::set<std::string> allowed_keys(OpKind op) {
  std::set<std::string> keys = {"name", "op", "inputs", "shape", "dtype"};
  const uint32_t f = attr_fields(op);
  for (const auto& fk : field_keys())
    if (f & fk.field)
      for (const char* k : fk.keys)
        if (!(op == OpKind::Conv2D && std::string(k) == "units") &&
            !(op == OpKind::FullyConnected && std::string(k) == "out_channels"))
          keys.insert(k);
  if (op == OpKind::Reshape) keys.insert("target");
  return keys;
}

}  // namespace

Graph graph_from_json(const json& j, std::string_view source) {
  const std::string src(source);
  if (!j.is_object()) fail(src, "expected a JSON object with 'nodes' and 'outputs'");
  if (j.contains("format") && j["format"] != "hwnas.graph")
    fail(src + ": format", "expected \"hwnas.graph\", got {}", j["format"].dump());
  if (j.contains("version") && j["version"] != 1)
    fail(src + ": version", "this hwnas reads version 1, got {}", j["version"].dump());
  if (!j.contains("nodes") || !j["nodes"].is_array()) fail(src, "missing the list 'nodes'");
  Graph g(j.value("name", ""));
  const json& nodes = j["nodes"];
  for (size_t i = 0; i < nodes.size(); ++i) {
    const json& jn = nodes[i];
    std::string where = fmt::format("{}: nodes[{}]", src, i);
    if (!jn.is_object()) fail(where, "expected an object, got {}", jn.dump());
    const Reader r0(jn, where);
    const std::string name = r0.string("name");
    where += " '" + name + "'";
    const Reader r(jn, where);
    const std::string op_str = r.string("op");
    auto op = op_from_name(op_str);
    if (!op) fail(where + ".op", "unknown operator '{}' (known: {})", op_str, fmt::join(all_op_names(), ", "));
    const auto allowed = allowed_keys(*op);
    for (const auto& [key, _] : jn.items())
      if (!allowed.count(key))
        fail(where, "key '{}' is not an attribute of {} (expected one of: {})", key, op_str, fmt::join(allowed, ", "));
    std::vector<int> inputs;
    if (jn.contains("inputs")) {
      if (!jn["inputs"].is_array()) fail(where + ".inputs", "expected a list of node names");
      for (const json& in : jn["inputs"]) {
        if (!in.is_string()) fail(where + ".inputs", "expected node names, got {}", in.dump());
        auto id = g.find(in.get<std::string>());
        if (!id) fail(where + ".inputs", "no earlier node is named '{}'", in.get<std::string>());
        inputs.push_back(*id);
      }
    }
    DType dtype = DType::f32;
    if (jn.contains("dtype")) {
      const std::string d = r.string("dtype");
      auto t = dtype_from_name(d);
      if (!t) fail(where + ".dtype", "unknown dtype '{}' (expected f32, f16, int8 or int32)", d);
      dtype = *t;
    }
    const Attrs attrs = read_attrs(*op, r);
    int id;
    try {
      id = g.add(*op, std::move(inputs), attrs, name, dtype);
    } catch (const Error& e) {
      throw Error(where, e.message());
    }
    if (*op != OpKind::Input && jn.contains("shape")) {
      const Shape written = r.shape("shape");
      if (!(written == g.node(id).shape))
        fail(where + ".shape", "the file says {} but the inputs give {}", written.str(), g.node(id).shape.str());
    }
  }
  if (!j.contains("outputs") || !j["outputs"].is_array()) fail(src, "missing the list 'outputs'");
  std::vector<int> outputs;
  for (const json& o : j["outputs"]) {
    if (!o.is_string()) fail(src + ": outputs", "expected node names, got {}", o.dump());
    auto id = g.find(o.get<std::string>());
    if (!id) fail(src + ": outputs", "no node is named '{}'", o.get<std::string>());
    outputs.push_back(*id);
  }
  g.set_outputs(std::move(outputs));
  return g;
}

void save_graph(const Graph& g, const std::filesystem::path& path) { write_file_atomic(path, graph_text(g)); }

Graph load_graph(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    fail(path.string(), "not valid JSON: {}", e.what());
  }
  return graph_from_json(j, path.string());
}

}  // namespace hwnas::ir
