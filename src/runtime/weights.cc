#include "hwnas/runtime/weights.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"

namespace hwnas::runtime {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the weight file is little-endian and read by memcpy; add byte swapping for this host");

constexpr char kMagic[8] = {'H', 'W', 'N', 'A', 'S', 'W', 'T', '\0'};
constexpr uint32_t kVersion = 1;

std::string node_where(const ir::Graph& g, int id) { return g.describe(id); }

// Number of inputs feeding one output value: what fan-in scaling divides by.
int64_t fan_in(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  const ir::Shape& x = g.node(n.inputs[0]).shape;
  switch (n.op) {
    case ir::OpKind::Conv2D:
      return int64_t{n.attrs.kernel_h} * n.attrs.kernel_w * (x[x.rank() - 1] / n.attrs.groups);
    case ir::OpKind::DepthwiseConv2D:
      return int64_t{n.attrs.kernel_h} * n.attrs.kernel_w;
    case ir::OpKind::FullyConnected:
      return x.numel() / x[0];
    default:
      return 1;
  }
}

void fill_uniform(Tensor& t, Rng& rng, double lo, double hi) {
  for (float& v : t.data) v = static_cast<float>(lo + (hi - lo) * rng.uniform());
}

ir::Shape shape_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_array() || j.size() > ir::Shape::kMaxRank) fail(where, "shape must be an array of at most 4 integers");
  ir::Shape s;
  for (const auto& d : j) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) fail(where, "shape dimensions must be non-negative integers");
    s.push_back(d.get<int64_t>());
  }
  return s;
}

}  // namespace

const Tensor& Weights::at(const std::string& node, const std::string& role) const {
  auto it = nodes.find(node);
  if (it == nodes.end()) fail("weights", "no tensors for node '{}'", node);
  auto jt = it->second.find(role);
  if (jt == it->second.end()) fail("weights", "node '{}' has no '{}' tensor", node, role);
  return jt->second;
}

std::vector<std::pair<std::string, ir::Shape>> expected_weights(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  const ir::Attrs& a = n.attrs;
  const int64_t out_c = n.shape[n.shape.rank() - 1];
  std::vector<std::pair<std::string, ir::Shape>> out;
  switch (n.op) {
    case ir::OpKind::Conv2D:
      out.push_back(
          {"kernel", ir::Shape{out_c, a.kernel_h, a.kernel_w, fan_in(g, id) / (int64_t{a.kernel_h} * a.kernel_w)}});
      break;
    case ir::OpKind::DepthwiseConv2D:
      out.push_back({"kernel", ir::Shape{1, a.kernel_h, a.kernel_w, out_c}});
      break;
    case ir::OpKind::FullyConnected:
      out.push_back({"kernel", ir::Shape{out_c, fan_in(g, id)}});
      break;
    case ir::OpKind::BatchNorm:
      for (const char* role : {"gamma", "beta", "mean", "var"}) out.push_back({role, ir::Shape{out_c}});
      return out;
    default:
      return out;
  }
  if (a.bias) out.push_back({"bias", ir::Shape{out_c}});
  return out;
}

void check_weights(const ir::Graph& g, const Weights& w) {
  std::set<std::string> seen;
  for (int id = 0; id < g.size(); ++id) {
    const auto expected = expected_weights(g, id);
    if (expected.empty()) continue;
    const std::string& name = g.node(id).name;
    seen.insert(name);
    auto it = w.nodes.find(name);
    if (it == w.nodes.end())
      fail(node_where(g, id), "has no weights; expected {} tensor(s) ({}, ...)", expected.size(), expected[0].first);
    for (const auto& [role, shape] : expected) {
      auto jt = it->second.find(role);
      if (jt == it->second.end()) fail(node_where(g, id), "is missing its '{}' tensor of shape {}", role, shape.str());
      if (!(jt->second.shape == shape))
        fail(node_where(g, id), "'{}' tensor has shape {}, expected {}", role, jt->second.shape.str(), shape.str());
      if (jt->second.numel() != shape.numel())
        fail(node_where(g, id), "'{}' tensor holds {} values for shape {}", role, jt->second.numel(), shape.str());
    }
    if (it->second.size() != expected.size())
      for (const auto& [role, t] : it->second) {
        bool known = false;
        for (const auto& e : expected) known = known || e.first == role;
        if (!known)
          fail(node_where(g, id), "has an unexpected '{}' tensor (is the weight file for another graph?)", role);
      }
  }
  for (const auto& [name, tensors] : w.nodes)
    if (!seen.count(name)) {
      if (g.find(name)) fail("node '" + name + "'", "has weights but its operator takes none");
      fail("node '" + name + "'", "has weights but graph '{}' has no such node (weights of another graph?)", g.name());
    }
}

Weights init_weights(const ir::Graph& g, const InitOptions& o) {
  const Rng root(o.seed);
  Weights w;
  for (int id = 0; id < g.size(); ++id) {
    const auto expected = expected_weights(g, id);
    if (expected.empty()) continue;
    Rng rng = root.fork(static_cast<uint64_t>(id));
    NodeWeights& nw = w.nodes[g.node(id).name];
    const double fan = static_cast<double>(fan_in(g, id));
    for (const auto& [role, shape] : expected) {
      Tensor t(shape);
      if (role == "kernel") {
        const double b = o.scheme == InitScheme::HeUniform ? std::sqrt(6.0 / fan) : 1.0 / std::sqrt(fan);
        fill_uniform(t, rng, -b, b);
      } else if (role == "bias") {
        // PyTorch draws bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)); He init leaves it at 0.
        if (o.scheme == InitScheme::TorchDefault) fill_uniform(t, rng, -1.0 / std::sqrt(fan), 1.0 / std::sqrt(fan));
      } else if (!o.random_bn_stats) {
        std::fill(t.data.begin(), t.data.end(), role == "gamma" || role == "var" ? 1.0f : 0.0f);
      } else if (role == "gamma") {
        fill_uniform(t, rng, 0.5, 1.5);
      } else if (role == "var") {
        fill_uniform(t, rng, 0.5, 2.0);
      } else {  // beta, mean
        fill_uniform(t, rng, -0.2, 0.2);
      }
      nw.emplace(role, std::move(t));
    }
  }
  return w;
}

Weights carry_weights(const ir::Graph& to, const Weights& from, const InitOptions& options, int* carried) {
  Weights w = init_weights(to, options);
  int n = 0;
  for (auto& [node, tensors] : w.nodes) {
    const auto old = from.nodes.find(node);
    if (old == from.nodes.end() || old->second.size() != tensors.size()) continue;
    const bool same = std::all_of(tensors.begin(), tensors.end(), [&](const auto& role) {
      const auto t = old->second.find(role.first);
      return t != old->second.end() && t->second.shape == role.second.shape;
    });
    if (!same) continue;
    tensors = old->second;
    ++n;
  }
  if (carried) *carried = n;
  return w;
}

void save_weights(const std::filesystem::path& path, const ir::Graph& g, const Weights& w) {
  check_weights(g, w);
  nlohmann::json tensors = nlohmann::json::array();
  std::string data;
  for (int id = 0; id < g.size(); ++id)
    for (const auto& [role, shape] : expected_weights(g, id)) {
      const Tensor& t = w.at(g.node(id).name, role);
      std::vector<int64_t> dims;
      for (int i = 0; i < shape.rank(); ++i) dims.push_back(shape[i]);
      const size_t bytes = t.data.size() * sizeof(float);
      tensors.push_back({{"node", g.node(id).name},
                         {"role", role},
                         {"dtype", "f32"},
                         {"shape", dims},
                         {"offset", data.size()},
                         {"bytes", bytes}});
      data.append(reinterpret_cast<const char*>(t.data.data()), bytes);
    }
  const std::string header = nlohmann::json{{"graph", g.name()}, {"tensors", tensors}}.dump();
  std::string file(kMagic, sizeof kMagic);
  const uint32_t version = kVersion;
  const uint64_t header_len = header.size();
  file.append(reinterpret_cast<const char*>(&version), sizeof version);
  file.append(reinterpret_cast<const char*>(&header_len), sizeof header_len);
  file += header;
  file += data;
  write_file_atomic(path, file);
}

Weights load_weights(const std::filesystem::path& path, const ir::Graph& g) {
  const std::string where = path.string();
  const std::string file = read_file(path);
  const size_t prefix = sizeof kMagic + sizeof(uint32_t) + sizeof(uint64_t);
  if (file.size() < prefix || std::memcmp(file.data(), kMagic, sizeof kMagic) != 0)
    fail(where, "not an hwnas weight file (missing the HWNASWT magic)");
  uint32_t version;
  uint64_t header_len;
  std::memcpy(&version, file.data() + sizeof kMagic, sizeof version);
  std::memcpy(&header_len, file.data() + sizeof kMagic + sizeof version, sizeof header_len);
  if (version != kVersion)
    fail(where, "weight file format version {} is not supported (this hwnas reads {})", version, kVersion);
  if (header_len > file.size() - prefix) fail(where, "header length {} runs past the end of the file", header_len);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(file.substr(prefix, header_len));
  } catch (const nlohmann::json::exception& e) {
    fail(where, "the JSON header does not parse: {}", e.what());
  }
  const size_t data_start = prefix + header_len;
  const size_t data_size = file.size() - data_start;
  if (!header.is_object() || !header.contains("tensors") || !header["tensors"].is_array())
    fail(where, "the JSON header has no \"tensors\" array");
  Weights w;
  int index = 0;
  for (const auto& t : header["tensors"]) {
    const std::string tw = fmt::format("{}: tensors[{}]", where, index++);
    try {
      const std::string node = t.at("node").get<std::string>();
      const std::string role = t.at("role").get<std::string>();
      if (t.at("dtype").get<std::string>() != "f32")
        fail(tw, "dtype {} is not supported (f32 only)", t.at("dtype").dump());
      const ir::Shape shape = shape_from_json(t.at("shape"), tw);
      const uint64_t offset = t.at("offset").get<uint64_t>();
      const uint64_t bytes = t.at("bytes").get<uint64_t>();
      if (bytes != static_cast<uint64_t>(shape.numel()) * sizeof(float))
        fail(tw, "{} bytes do not hold shape {} of f32", bytes, shape.str());
      if (offset > data_size || bytes > data_size - offset)
        fail(tw, "data at offset {} (+{} bytes) runs past the end of the file (truncated?)", offset, bytes);
      Tensor tensor(shape);
      std::memcpy(tensor.data.data(), file.data() + data_start + offset, bytes);
      if (!w.nodes[node].emplace(role, std::move(tensor)).second)
        fail(tw, "node '{}' role '{}' appears twice", node, role);
    } catch (const nlohmann::json::exception& e) {
      fail(tw, "malformed entry: {}", e.what());
    }
  }
  try {
    check_weights(g, w);
  } catch (const Error& e) {
    throw e.within(where);
  }
  return w;
}

}  // namespace hwnas::runtime
