#include "hwnas/quant/model_folder.h"

#include <bit>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/ir/serialize.h"

namespace hwnas::quant {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

static_assert(std::endian::native == std::endian::little, "weights_int8.bin is written as the host's bytes");

template <typename T>
json append_blob(std::string& blob, const std::vector<T>& v) {
  const size_t offset = blob.size();
  blob.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  return {{"offset", offset}, {"count", v.size()}};
}

json multipliers_json(const std::vector<Multiplier>& ms) {
  json a = json::array();
  for (const Multiplier& m : ms) a.push_back({m.value, m.shift});
  return a;
}

// Reads quant.json's fields with errors that name the file, the node and the field.
struct Reader {
  std::string where;  // "dir/quant.json: nodes[3] 'conv'"
  [[noreturn]] void bad(const std::string& field, const std::string& what) const { fail(where + ": " + field, "{}", what); }

  const json& at(const json& j, const std::string& key) const {
    if (!j.is_object() || !j.contains(key)) bad(key, "missing");
    return j.at(key);
  }
  template <typename T>
  T number(const json& j, const std::string& key) const {
    const json& v = at(j, key);
    if (!v.is_number()) bad(key, fmt::format("expected a number, got {}", v.dump()));
    if constexpr (std::is_integral_v<T>) {
      if (!v.is_number_integer()) bad(key, fmt::format("expected an integer, got {}", v.dump()));
    }
    return v.get<T>();
  }
  std::vector<Multiplier> multipliers(const json& j, const std::string& key, size_t expected) const {
    std::vector<Multiplier> out;
    if (!j.contains(key)) {
      if (expected) bad(key, fmt::format("missing (expected {} entries)", expected));
      return out;
    }
    const json& a = j.at(key);
    if (!a.is_array()) bad(key, "expected an array of [multiplier, shift] pairs");
    if (expected && a.size() != expected) bad(key, fmt::format("expected {} entries, got {}", expected, a.size()));
    for (const json& e : a) {
      if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_number_integer())
        bad(key, fmt::format("expected [multiplier, shift] integer pairs, got {}", e.dump()));
      const int64_t value = e[0].get<int64_t>();
      const int shift = e[1].get<int>();
      if ((value != 0 && (value < (int64_t{1} << 30) || value >= (int64_t{1} << 31))) || shift < -31 || shift > 30)
        bad(key, fmt::format("[{}, {}] is not a Q31 multiplier in [2^30, 2^31) with shift in [-31, 30]", value, shift));
      out.push_back({static_cast<int32_t>(value), shift});
    }
    return out;
  }
  template <typename T>
  std::vector<T> blob(const json& j, const std::string& key, const std::string& data, size_t expected) const {
    if (!j.contains(key)) {
      if (expected) bad(key, fmt::format("missing (expected {} values)", expected));
      return {};
    }
    const size_t offset = number<size_t>(j.at(key), "offset"), count = number<size_t>(j.at(key), "count");
    if (expected && count != expected) bad(key + ".count", fmt::format("expected {}, got {}", expected, count));
    if (offset > data.size() || count * sizeof(T) > data.size() - offset)
      bad(key, fmt::format("bytes [{}, {}) lie outside weights_int8.bin ({} bytes)", offset, offset + count * sizeof(T),
                           data.size()));
    std::vector<T> v(count);
    std::memcpy(v.data(), data.data() + offset, count * sizeof(T));
    return v;
  }
};

}  // namespace

void save_quantized_model(const fs::path& dir, const QuantizedModel& m) {
  const ir::Graph& g = m.graph;
  if (m.nodes.size() != static_cast<size_t>(g.size()))
    fail(dir.string(), "the model has {} quantized nodes for {} graph nodes", m.nodes.size(), g.size());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail(dir.string(), "cannot create the folder: {}", ec.message());
  std::string blob;
  json nodes = json::array();
  for (int id = 0; id < g.size(); ++id) {
    const QuantNode& q = m.nodes[id];
    json n = {{"name", g.node(id).name}, {"op", ir::op_name(g.node(id).op)}};
    if (q.alias_of >= 0) {
      n["alias_of"] = g.node(q.alias_of).name;
      nodes.push_back(std::move(n));
      continue;
    }
    n["scale"] = q.out.scale;
    n["zero_point"] = q.out.zero_point;
    n["act"] = {q.act_min, q.act_max};
    if (q.fused != FusedActivation::None) {
      n["fused"] = fused_activation_name(q.fused);
      n["fused_node"] = g.node(q.fused_node).name;
    }
    if (!q.weight_scales.empty()) n["weight_scales"] = q.weight_scales;
    if (!q.out_multipliers.empty()) n["multipliers"] = multipliers_json(q.out_multipliers);
    if (!q.in_multipliers.empty()) {
      n["in_multipliers"] = multipliers_json(q.in_multipliers);
      n["left_shift"] = q.left_shift;
    }
    if (!q.weights.empty()) n["weights"] = append_blob(blob, q.weights);
    if (!q.bias.empty()) n["bias"] = append_blob(blob, q.bias);
    if (!q.lut.empty()) n["lut"] = append_blob(blob, q.lut);
    nodes.push_back(std::move(n));
  }
  const json quant = {{"format", "hwnas.quant"}, {"version", 1},       {"graph", g.name()},
                      {"data_bytes", blob.size()}, {"nodes", nodes}};
  // The graph and data first, quant.json last: it names the data's size, so an interrupted
  // save leaves a folder that does not load rather than one that loads wrong.
  ir::save_graph(g, dir / "model.json");
  write_file_atomic(dir / "weights_int8.bin", blob);
  write_file_atomic(dir / "quant.json", quant.dump(1) + "\n");
}

QuantizedModel load_quantized_model(const fs::path& dir) {
  const fs::path qpath = dir / "quant.json";
  if (!fs::exists(qpath))
    fail(qpath.string(), "missing: {} is not a quantized model folder (write one with hwnas quantize --out)",
         dir.string());
  QuantizedModel m;
  m.graph = ir::load_graph(dir / "model.json");
  const ir::Graph& g = m.graph;
  const std::string data = read_file(dir / "weights_int8.bin");
  json j;
  try {
    j = json::parse(read_file(qpath));
  } catch (const json::parse_error& e) {
    fail(qpath.string(), "not valid JSON: {}", e.what());
  }
  Reader top{qpath.string()};
  if (!j.is_object() || j.value("format", "") != "hwnas.quant")
    top.bad("format", "expected \"hwnas.quant\"");
  if (top.number<int>(j, "version") != 1) top.bad("version", fmt::format("unsupported version {}", j["version"].dump()));
  if (top.number<size_t>(j, "data_bytes") != data.size())
    top.bad("data_bytes", fmt::format("says {} bytes, weights_int8.bin has {} (an interrupted write? quantize again)",
                                      j["data_bytes"].dump(), data.size()));
  const json& nodes = top.at(j, "nodes");
  if (!nodes.is_array() || nodes.size() != static_cast<size_t>(g.size()))
    top.bad("nodes", fmt::format("expected {} nodes (model.json), got {}", g.size(), nodes.is_array() ? nodes.size() : 0));
  m.nodes.resize(g.size());
  auto node_id = [&](const Reader& r, const json& n, const std::string& key) {
    const json& v = r.at(n, key);
    const auto id = v.is_string() ? g.find(v.get<std::string>()) : std::nullopt;
    if (!id) r.bad(key, fmt::format("{} names no node of model.json", v.dump()));
    return *id;
  };
  for (int id = 0; id < g.size(); ++id) {
    const json& n = nodes[id];
    const ir::Node& gn = g.node(id);
    Reader r{fmt::format("{}: nodes[{}] '{}'", qpath.string(), id, gn.name)};
    if (r.at(n, "name") != gn.name) r.bad("name", fmt::format("{} differs from model.json's node {}", n["name"].dump(), id));
    QuantNode& q = m.nodes[id];
    if (n.contains("alias_of")) {
      q.alias_of = node_id(r, n, "alias_of");
      if (q.alias_of >= id) r.bad("alias_of", "must name an earlier node");
      continue;
    }
    q.out.scale = r.number<float>(n, "scale");
    if (!(q.out.scale > 0) || !std::isfinite(q.out.scale)) r.bad("scale", "must be a positive finite number");
    q.out.zero_point = r.number<int32_t>(n, "zero_point");
    if (q.out.zero_point < -128 || q.out.zero_point > 127) r.bad("zero_point", "must be in [-128, 127]");
    const json& act = r.at(n, "act");
    if (!act.is_array() || act.size() != 2 || !act[0].is_number_integer() || !act[1].is_number_integer() ||
        act[0].get<int>() < -128 || act[1].get<int>() > 127 || act[0].get<int>() > act[1].get<int>())
      r.bad("act", fmt::format("expected [min, max] within [-128, 127], got {}", act.dump()));
    q.act_min = act[0].get<int32_t>();
    q.act_max = act[1].get<int32_t>();
    if (n.contains("fused")) {
      const std::string f = n["fused"].is_string() ? n["fused"].get<std::string>() : "";
      if (f == "relu") q.fused = FusedActivation::Relu;
      else if (f == "relu6") q.fused = FusedActivation::Relu6;
      else r.bad("fused", fmt::format("expected \"relu\" or \"relu6\", got {}", n["fused"].dump()));
      q.fused_node = node_id(r, n, "fused_node");
    }
    const int64_t channels = gn.shape[gn.shape.rank() - 1];
    const bool layer = gn.op == ir::OpKind::Conv2D || gn.op == ir::OpKind::DepthwiseConv2D ||
                       gn.op == ir::OpKind::FullyConnected || gn.op == ir::OpKind::BatchNorm;
    size_t kernel = 0;
    if (layer) {
      const ir::Shape& xs = g.node(gn.inputs[0]).shape;
      if (gn.op == ir::OpKind::Conv2D)
        kernel = static_cast<size_t>(channels * gn.attrs.kernel_h * gn.attrs.kernel_w * (xs.c() / gn.attrs.groups));
      else if (gn.op == ir::OpKind::DepthwiseConv2D)
        kernel = static_cast<size_t>(channels * gn.attrs.kernel_h * gn.attrs.kernel_w);
      else if (gn.op == ir::OpKind::FullyConnected)
        kernel = static_cast<size_t>(channels * (xs.numel() / xs[0]));
      else
        kernel = static_cast<size_t>(channels);
      if (!n.contains("weight_scales") || !n["weight_scales"].is_array()) r.bad("weight_scales", "missing");
      q.weight_scales = n["weight_scales"].get<std::vector<float>>();
    }
    const size_t mults = layer ? static_cast<size_t>(gn.op == ir::OpKind::FullyConnected && q.weight_scales.size() == 1 ? 1 : channels) : 0;
    q.out_multipliers = r.multipliers(n, "multipliers", mults);
    if (!layer && gn.op != ir::OpKind::Input && n.contains("multipliers") && q.out_multipliers.size() != 1)
      r.bad("multipliers", fmt::format("expected 1 entry, got {}", q.out_multipliers.size()));
    if (gn.op == ir::OpKind::Add) {
      q.in_multipliers = r.multipliers(n, "in_multipliers", gn.inputs.size());
      q.left_shift = r.number<int>(n, "left_shift");
      if (q.left_shift < 0 || q.left_shift > 24) r.bad("left_shift", "must be in [0, 24]");
    }
    const bool rescales = gn.op == ir::OpKind::Add || gn.op == ir::OpKind::Mul || gn.op == ir::OpKind::Relu ||
                          gn.op == ir::OpKind::Relu6 || gn.op == ir::OpKind::GlobalAvgPool;
    if (rescales && q.out_multipliers.size() != 1) r.bad("multipliers", "missing (expected 1 entry)");
    q.weights = r.blob<int8_t>(n, "weights", data, kernel);
    q.bias = r.blob<int32_t>(n, "bias", data, layer ? static_cast<size_t>(channels) : 0);
    const bool table = gn.op == ir::OpKind::Sigmoid || gn.op == ir::OpKind::Swish || gn.op == ir::OpKind::HardSwish ||
                       gn.op == ir::OpKind::HardSigmoid;
    q.lut = r.blob<int8_t>(n, "lut", data, table ? 256 : 0);
  }
  return m;
}

}  // namespace hwnas::quant
