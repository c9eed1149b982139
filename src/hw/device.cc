// Device profiles: YAML schema (docs/devices.md) <-> hw::Device, built-in lookup.
#include "hwnas/hw/device.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/suggest.h"
#include "hwnas/core/yaml_source.h"
#include "hwnas/ir/op_traits.h"

namespace hwnas::hw {
namespace {

constexpr OpClass kClasses[] = {OpClass::Conv,        OpClass::Depthwise, OpClass::FullyConnected,
                                OpClass::Elementwise, OpClass::Pool,      OpClass::Data};

// Units as written in the file; the struct holds SI base units (Hz, bytes, bytes/s, s).
constexpr double kMHz = 1e6, kGBps = 1e9, kUs = 1e-6;
constexpr double kKiB = 1024, kMiB = 1024 * 1024;

std::vector<std::string> op_class_names() {
  std::vector<std::string> v;
  for (OpClass c : kClasses) v.emplace_back(op_class_name(c));
  return v;
}

std::string unit_of(OpClass c) {
  return c == OpClass::Conv || c == OpClass::Depthwise || c == OpClass::FullyConnected ? "MACs per cycle"
                                                                                       : "elements per cycle";
}

// Reads one profile with located errors; each method reads one section.
class Reader {
 public:
  explicit Reader(const YamlSource& src) : src_(src) {}

  double number(const YAML::Node& n, const std::string& path, std::string_view unit, bool positive) const {
    const double v = src_.get_double(n, path, unit);
    if (positive ? v <= 0 : v < 0)
      src_.fail(n, path,
                fmt::format("expected a {} number ({}), got {}", positive ? "positive" : "non-negative", unit,
                            n.Scalar()));
    return v;
  }
  // An optional non-negative number times `scale`; 0 when absent.
  double optional(const YAML::Node& map, const std::string& parent, const std::string& key, std::string_view unit,
                  double scale) const {
    const YAML::Node n = map[key];
    return n ? number(n, join_path(parent, key), unit, false) * scale : 0.0;
  }
  double required(const YAML::Node& map, const std::string& parent, const std::string& key, std::string_view unit,
                  double scale) const {
    const YAML::Node n = map[key];
    if (!n) src_.fail(map, parent, fmt::format("missing '{}' ({})", key, unit));
    return number(n, join_path(parent, key), unit, true) * scale;
  }
  int64_t bytes(const YAML::Node& map, const std::string& parent, const std::string& key, std::string_view unit,
                double unit_bytes) const {
    return std::llround(optional(map, parent, key, unit, unit_bytes));
  }

  ir::DType dtype(const YAML::Node& n, const std::string& path) const {
    const std::string s = src_.get_string(n, path);
    if (auto t = ir::dtype_from_name(s)) return *t;
    src_.fail(n, path, fmt::format("unknown dtype '{}'; use f32, f16, int8 or int32", s));
  }

  ir::OpKind op(const YAML::Node& n, const std::string& path) const {
    const std::string s = src_.get_string(n, path);
    if (auto k = ir::op_from_name(s); k && *k != ir::OpKind::Input) return *k;
    std::vector<std::string> names;
    for (auto name : ir::all_op_names())
      if (name != "input") names.emplace_back(name);
    const std::string guess = closest_match(s, names);
    src_.fail(n, path,
              fmt::format("unknown operator '{}'{}; operators: {}", s,
                          guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess), fmt::join(names, ", ")));
  }

  int positive_int(const YAML::Node& n, const std::string& path) const {
    const int v = src_.get_int(n, path);
    if (v < 1) src_.fail(n, path, fmt::format("expected a positive whole number, got {}", v));
    return v;
  }
  std::vector<int> ints(const YAML::Node& n, const std::string& path) const {
    src_.require_list(n, path);
    std::vector<int> v;
    for (size_t i = 0; i < n.size(); ++i) v.push_back(positive_int(n[i], fmt::format("{}[{}]", path, i)));
    return v;
  }

  OpSupport op_support(const YAML::Node& n, const std::string& path) const {
    src_.check_keys(n, path,
                    {"op", "kernels", "strides", "dtypes", "channel_alignment", "max_channels", "fused_activations",
                     "square_kernels", "max_kernel", "max_kernel_height", "max_kernel_area", "max_dim",
                     "max_input_channels", "input_height", "input_width", "resize_scales", "rule"});
    if (!n["op"]) src_.fail(n, path, "missing 'op' (the operator name, e.g. conv2d)");
    OpSupport s;
    s.op = op(n["op"], join_path(path, "op"));
    if (n["kernels"]) s.kernels = ints(n["kernels"], join_path(path, "kernels"));
    if (n["strides"]) s.strides = ints(n["strides"], join_path(path, "strides"));
    if (const YAML::Node d = n["dtypes"]) {
      const std::string p = join_path(path, "dtypes");
      src_.require_list(d, p);
      for (size_t i = 0; i < d.size(); ++i) s.dtypes.push_back(dtype(d[i], fmt::format("{}[{}]", p, i)));
    }
    if (n["channel_alignment"])
      s.channel_alignment = positive_int(n["channel_alignment"], join_path(path, "channel_alignment"));
    if (const YAML::Node m = n["max_channels"]) {
      s.max_channels = src_.get_int(m, join_path(path, "max_channels"));
      if (s.max_channels < 0)
        src_.fail(m, join_path(path, "max_channels"), "expected 0 (no limit) or a positive limit");
    }
    if (const YAML::Node f = n["fused_activations"]) {
      const std::string p = join_path(path, "fused_activations");
      src_.require_list(f, p);
      for (size_t i = 0; i < f.size(); ++i) {
        const std::string pi = fmt::format("{}[{}]", p, i);
        const ir::OpKind a = op(f[i], pi);
        if (!ir::is_activation(a))
          src_.fail(f[i], pi,
                    fmt::format("'{}' is not an activation (relu, relu6, hardswish, hardsigmoid, sigmoid, "
                                "swish)",
                                ir::op_name(a)));
        s.fused_activations.push_back(a);
      }
    }
    const auto limit = [&](const char* key, int& field) {
      if (const YAML::Node v = n[key]) field = positive_int(v, join_path(path, key));
    };
    if (const YAML::Node sq = n["square_kernels"])
      s.square_kernels = src_.get_bool(sq, join_path(path, "square_kernels"));
    limit("max_kernel", s.max_kernel);
    limit("max_kernel_height", s.max_kernel_height);
    limit("max_kernel_area", s.max_kernel_area);
    limit("max_dim", s.max_dim);
    limit("max_input_channels", s.max_input_channels);
    if (n["input_height"]) s.input_height = range(n["input_height"], join_path(path, "input_height"));
    if (n["input_width"]) s.input_width = range(n["input_width"], join_path(path, "input_width"));
    if (const YAML::Node r = n["resize_scales"]) {
      if (s.op != ir::OpKind::Resize)
        src_.fail(r, join_path(path, "resize_scales"),
                  fmt::format("only a resize entry has resize_scales (this one is {}); remove the key",
                              ir::op_name(s.op)));
      s.resize_scales = ints(r, join_path(path, "resize_scales"));
    }
    if (n["rule"]) s.rule = src_.get_string(n["rule"], join_path(path, "rule"));
    return s;
  }

  // [min, max], whole numbers with 1 <= min <= max.
  IntRange range(const YAML::Node& n, const std::string& path) const {
    const std::vector<int> v = ints(n, path);
    if (v.size() != 2 || v[0] > v[1]) src_.fail(n, path, "expected [min, max] with min <= max, e.g. [4, 256]");
    return {v[0], v[1]};
  }

  Processor processor(const std::string& name, const YAML::Node& n, const std::string& path) const {
    src_.check_keys(n, path,
                    {"clock_mhz", "per_cycle", "cycles_per_output", "bandwidth_gb_s", "weights_bandwidth_gb_s",
                     "weights_cache_kib", "streamed_weights_gb_s", "op_overhead_us", "invoke_overhead_us", "active_power_mw", "ops"});
    Processor p;
    p.name = name;
    p.clock_hz = required(n, path, "clock_mhz", "MHz", kMHz);
    p.bandwidth_bytes_per_s = required(n, path, "bandwidth_gb_s", "GB/s, 1e9 bytes per second", kGBps);
    if (n["weights_bandwidth_gb_s"])
      p.weights_bandwidth_bytes_per_s =
          required(n, path, "weights_bandwidth_gb_s", "GB/s, 1e9 bytes per second", kGBps);
    if (n["weights_cache_kib"] || n["streamed_weights_gb_s"]) {  // one without the other means nothing
      p.weights_cache_bytes = std::llround(required(n, path, "weights_cache_kib", "KiB", kKiB));
      p.streamed_weights_bytes_per_s =
          required(n, path, "streamed_weights_gb_s", "GB/s at which weights past the cache are fetched", kGBps);
    }
    p.op_overhead_s = optional(n, path, "op_overhead_us", "microseconds", kUs);
    p.invoke_overhead_s = optional(n, path, "invoke_overhead_us", "microseconds", kUs);
    p.active_power_mw = required(n, path, "active_power_mw", "mW", 1.0);
    const std::string pc = join_path(path, "per_cycle");
    if (!n["per_cycle"]) src_.fail(n, path, "missing 'per_cycle' (MACs or elements per cycle per op class)");
    src_.check_keys(n["per_cycle"], pc, op_class_names());
    for (OpClass c : kClasses) {
      const std::string key(op_class_name(c));
      const YAML::Node v = n["per_cycle"][key];
      const std::string vp = join_path(pc, key);
      if (!v)
        src_.fail(n["per_cycle"], pc, fmt::format("missing '{}' ({}); every op class needs a rate", key, unit_of(c)));
      if (v.IsMap()) {  // per dtype: {int8: 2, f32: 1}
        for (const auto& kv : v) {
          const std::string dp = join_path(vp, kv.first.Scalar());
          p.per_cycle[{c, dtype(kv.first, dp)}] = number(kv.second, dp, unit_of(c), true);
        }
        if (v.size() == 0) src_.fail(v, vp, "expected a number or a map of dtype: rate, got an empty map");
      } else {
        p.per_cycle[{c, ir::DType::f32}] = number(v, vp, unit_of(c), true);
      }
    }
    if (const YAML::Node cpo = n["cycles_per_output"]) {
      const std::string cp = join_path(path, "cycles_per_output");
      src_.require_map(cpo, cp);
      src_.check_keys(cpo, cp, op_class_names());
      for (OpClass c : kClasses) {
        const std::string key(op_class_name(c));
        if (!cpo[key]) continue;
        const std::string vp = join_path(cp, key);
        src_.require_map(cpo[key], vp);
        for (const auto& dv : cpo[key]) {
          const std::string dp = join_path(vp, dv.first.Scalar());
          p.cycles_per_output[{c, dtype(dv.first, dp)}] = number(dv.second, dp, "cycles per output element", false);
        }
      }
    }
    if (const YAML::Node ops = n["ops"]) {
      const std::string op_path = join_path(path, "ops");
      src_.require_list(ops, op_path);
      p.ops.emplace();
      for (size_t i = 0; i < ops.size(); ++i) p.ops->push_back(op_support(ops[i], fmt::format("{}[{}]", op_path, i)));
    }
    return p;
  }

  int processor_index(const Device& d, const YAML::Node& n, const std::string& path) const {
    const std::string s = src_.get_string(n, path);
    std::vector<std::string> names;
    for (size_t i = 0; i < d.processors.size(); ++i) {
      if (d.processors[i].name == s) return static_cast<int>(i);
      names.push_back(d.processors[i].name);
    }
    src_.fail(n, path, fmt::format("no processor '{}'; the processors are: {}", s, fmt::join(names, ", ")));
  }

  Device device() const {
    const YAML::Node& r = src_.root();
    src_.check_keys(r, "",
                    {"name", "description", "kind", "default_dtype", "calibration", "engine", "folded_ops_factor",
                     "primary", "processors", "memory", "fallback", "partition", "power"});
    Device d;
    d.name = r["name"] ? src_.get_string(r["name"], "name") : std::filesystem::path(src_.file()).stem().string();
    if (r["description"]) d.description = src_.get_string(r["description"], "description");
    if (r["calibration"]) d.calibration = src_.get_string(r["calibration"], "calibration");
    if (r["engine"]) d.engine = src_.get_string(r["engine"], "engine");
    d.folded_ops_factor = optional(r, "", "folded_ops_factor", "(a share of their time)", 1.0);
    if (r["kind"]) {
      d.kind = src_.get_string(r["kind"], "kind");
      if (d.kind != "cpu" && d.kind != "mcu" && d.kind != "npu")
        src_.fail(r["kind"], "kind", fmt::format("unknown kind '{}'; use cpu, mcu or npu", d.kind));
    }
    if (r["default_dtype"]) d.default_dtype = dtype(r["default_dtype"], "default_dtype");

    const YAML::Node procs = r["processors"];
    if (!procs) src_.fail(r, "", "missing 'processors' (a map of processor name to its figures)");
    src_.require_map(procs, "processors");
    if (procs.size() == 0) src_.fail(procs, "processors", "needs at least one processor");
    for (const auto& kv : procs) {
      const std::string name = kv.first.Scalar();
      d.processors.push_back(processor(name, kv.second, join_path("processors", name)));
    }
    if (r["primary"]) d.primary = processor_index(d, r["primary"], "primary");

    if (const YAML::Node m = r["memory"]) {
      src_.check_keys(m, "memory", {"sram_kib", "flash_kib", "dram_mib", "runtime_flash_kib", "runtime_sram_kib"});
      d.memory.sram_bytes = bytes(m, "memory", "sram_kib", "KiB", kKiB);
      d.memory.flash_bytes = bytes(m, "memory", "flash_kib", "KiB", kKiB);
      d.memory.dram_bytes = bytes(m, "memory", "dram_mib", "MiB", kMiB);
      d.memory.runtime_flash_bytes = bytes(m, "memory", "runtime_flash_kib", "KiB", kKiB);
      d.memory.runtime_sram_bytes = bytes(m, "memory", "runtime_sram_kib", "KiB", kKiB);
    }
    if (const YAML::Node f = r["fallback"]) {
      src_.check_keys(f, "fallback", {"processor", "transfer_gb_s", "transfer_overhead_us"});
      if (!f["processor"]) src_.fail(f, "fallback", "missing 'processor' (which processor runs unsupported operators)");
      d.fallback.processor = processor_index(d, f["processor"], "fallback.processor");
      if (d.fallback.processor == d.primary)
        src_.fail(f["processor"], "fallback.processor",
                  fmt::format("'{}' is the primary processor; name another one, or remove 'fallback'",
                              d.processors[d.primary].name));
      d.fallback.transfer_bytes_per_s = required(f, "fallback", "transfer_gb_s", "GB/s, 1e9 bytes per second", kGBps);
      d.fallback.transfer_overhead_s = optional(f, "fallback", "transfer_overhead_us", "microseconds", kUs);
    }
    if (const YAML::Node p = r["partition"]) {
      const std::string v = src_.get_string(p, "partition");
      if (v == "per_operator") d.partition = Partition::PerOperator;
      else if (v == "single_cut") d.partition = Partition::SingleCut;
      else
        src_.fail(p, "partition",
                  fmt::format("unknown partition '{}'; use per_operator (each unsupported operator falls back) or "
                              "single_cut (the graph is cut once, at the first unsupported operator)",
                              v));
    }
    if (const YAML::Node p = r["power"]) {
      src_.check_keys(p, "power", {"idle_mw", "energy_pj_per_byte"});
      d.power.idle_mw = optional(p, "power", "idle_mw", "mW", 1.0);
      d.power.energy_pj_per_byte = optional(p, "power", "energy_pj_per_byte", "pJ per byte", 1.0);
    }
    d.source = src_.file();
    return d;
  }

 private:
  const YamlSource& src_;
};

// Shortest text that reads back to the same double.
std::string num(double v) { return fmt::format("{}", v); }

template <typename T, typename F>
std::string list(const std::vector<T>& v, F&& name) {
  std::vector<std::string> s;
  for (const T& x : v) s.push_back(name(x));
  return fmt::format("[{}]", fmt::join(s, ", "));
}

}  // namespace

double op_work(const ir::Graph& g, const ir::Stats& stats, int id) {
  const ir::Node& n = g.node(id);
  switch (op_class(n.op)) {
    case OpClass::Conv:
    case OpClass::Depthwise:
    case OpClass::FullyConnected:
      return static_cast<double>(stats.nodes[id].macs);
    case OpClass::Elementwise:
      return static_cast<double>(n.shape.numel());
    case OpClass::Pool:
      if (n.op == ir::OpKind::GlobalAvgPool) return static_cast<double>(g.node(n.inputs[0]).shape.numel());
      return static_cast<double>(n.shape.numel()) * n.attrs.kernel_h * n.attrs.kernel_w;
    case OpClass::Data:
      return 0;
  }
  return 0;
}

OpClass op_class(ir::OpKind op) {
  const ir::OpTraits& t = ir::traits(op);
  switch (t.macs) {
    case ir::MacsRule::Conv:
      return OpClass::Conv;
    case ir::MacsRule::Depthwise:
      return OpClass::Depthwise;
    case ir::MacsRule::FullyConnected:
      return OpClass::FullyConnected;
    case ir::MacsRule::BatchNorm:
    case ir::MacsRule::None:
      break;
  }
  switch (t.cost) {
    case ir::CostClass::Pool:
      return OpClass::Pool;
    case ir::CostClass::Data:
      return OpClass::Data;
    case ir::CostClass::Macs:
    case ir::CostClass::Elementwise:
      break;
  }
  return OpClass::Elementwise;  // batch_norm, activations, add, mul, softmax
}

std::string_view partition_name(Partition p) { return p == Partition::SingleCut ? "single_cut" : "per_operator"; }

std::string_view op_class_name(OpClass c) {
  switch (c) {
    case OpClass::Conv:
      return "conv";
    case OpClass::Depthwise:
      return "depthwise";
    case OpClass::FullyConnected:
      return "fc";
    case OpClass::Elementwise:
      return "elementwise";
    case OpClass::Pool:
      return "pool";
    case OpClass::Data:
      return "data";
  }
  return "?";
}

double Processor::output_cycles(OpClass c, ir::DType t) const {
  const auto it = cycles_per_output.find({c, t});
  return it == cycles_per_output.end() ? 0 : it->second;
}

double Processor::rate(OpClass c, ir::DType t) const {
  if (auto it = per_cycle.find({c, t}); it != per_cycle.end()) return it->second;
  if (auto it = per_cycle.find({c, ir::DType::f32}); it != per_cycle.end()) return it->second;
  std::vector<std::string> have;
  for (const auto& [key, v] : per_cycle)
    if (key.first == c) have.emplace_back(ir::dtype_name(key.second));
  fail(fmt::format("processor '{}': per_cycle.{}", name, op_class_name(c)),
       "has no {} rate and no f32 rate to fall back on (it lists: {}); add one to the profile", ir::dtype_name(t),
       have.empty() ? "nothing" : fmt::format("{}", fmt::join(have, ", ")));
}

Device parse_device(std::string_view yaml_text, const std::string& file) {
  const YamlSource src = YamlSource::parse(yaml_text, file);
  return Reader(src).device();
}

std::filesystem::path devices_dir() {
  if (const char* env = std::getenv("HWNAS_DEVICES_DIR"); env && *env) return env;
  return HWNAS_BUILTIN_DEVICES_DIR;
}

std::vector<std::string> builtin_device_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(devices_dir(), ec))
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

Device load_device(std::string_view name_or_path) {
  const std::filesystem::path as_path(name_or_path);
  const bool is_path = name_or_path.find('/') != std::string_view::npos || as_path.extension() == ".yaml" ||
                       as_path.extension() == ".yml";
  if (is_path) return parse_device(read_file(as_path), as_path.string());
  const std::filesystem::path file = devices_dir() / (std::string(name_or_path) + ".yaml");
  if (!std::filesystem::exists(file)) {
    const auto names = builtin_device_names();
    const std::string guess = closest_match(name_or_path, names);
    fail(std::string(name_or_path), "no such device{}; built-in devices: {} (in {}), or give a .yaml file",
         guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess), fmt::join(names, ", "),
         devices_dir().string());
  }
  Device d = parse_device(read_file(file), file.string());
  d.source = fmt::format("built-in devices/{}.yaml", name_or_path);
  return d;
}

std::string to_yaml(const Device& d) {
  std::string y;
  auto line = [&](int indent, const std::string& text) { y += std::string(indent, ' ') + text + "\n"; };
  auto text = [](const std::string& s) { return YAML::Dump(YAML::Node(s)); };  // quotes when needed
  line(0, "name: " + text(d.name));
  if (!d.description.empty()) line(0, "description: " + text(d.description));
  if (!d.kind.empty()) line(0, "kind: " + d.kind);
  line(0, fmt::format("default_dtype: {}", ir::dtype_name(d.default_dtype)));
  if (!d.calibration.empty()) line(0, "calibration: " + text(d.calibration));
  if (!d.engine.empty()) line(0, "engine: " + text(d.engine));
  if (d.folded_ops_factor != 0) line(0, "folded_ops_factor: " + num(d.folded_ops_factor));
  line(0, "primary: " + text(d.processors.at(d.primary).name));
  line(0, "processors:");
  for (const Processor& p : d.processors) {
    line(2, text(p.name) + ":");
    line(4, "clock_mhz: " + num(p.clock_hz / kMHz));
    // A map of (class, dtype) figures as "class: {dtype: value, ...}" lines.
    const auto per_class = [&](const char* key, const std::map<std::pair<OpClass, ir::DType>, double>& figures) {
      if (figures.empty()) return;
      line(4, std::string(key) + ":");
      for (OpClass c : kClasses) {
        std::vector<std::string> v;
        for (const auto& [k, value] : figures)
          if (k.first == c) v.push_back(fmt::format("{}: {}", ir::dtype_name(k.second), num(value)));
        if (!v.empty()) line(6, fmt::format("{}: {{{}}}", op_class_name(c), fmt::join(v, ", ")));
      }
    };
    per_class("per_cycle", p.per_cycle);
    per_class("cycles_per_output", p.cycles_per_output);
    line(4, "bandwidth_gb_s: " + num(p.bandwidth_bytes_per_s / kGBps));
    if (p.weights_bandwidth_bytes_per_s > 0)
      line(4, "weights_bandwidth_gb_s: " + num(p.weights_bandwidth_bytes_per_s / kGBps));
    if (p.weights_cache_bytes > 0) {
      line(4, "weights_cache_kib: " + num(static_cast<double>(p.weights_cache_bytes) / kKiB));
      line(4, "streamed_weights_gb_s: " + num(p.streamed_weights_bytes_per_s / kGBps));
    }
    line(4, "op_overhead_us: " + num(p.op_overhead_s / kUs));
    line(4, "invoke_overhead_us: " + num(p.invoke_overhead_s / kUs));
    line(4, "active_power_mw: " + num(p.active_power_mw));
    if (!p.ops) continue;
    line(4, "ops:");
    for (const OpSupport& s : *p.ops) {
      line(6, fmt::format("- op: {}", ir::op_name(s.op)));
      auto str = [](int v) { return std::to_string(v); };
      if (!s.kernels.empty()) line(8, "kernels: " + list(s.kernels, str));
      if (!s.strides.empty()) line(8, "strides: " + list(s.strides, str));
      if (!s.dtypes.empty())
        line(8, "dtypes: " + list(s.dtypes, [](ir::DType t) { return std::string(ir::dtype_name(t)); }));
      if (s.channel_alignment != 1) line(8, fmt::format("channel_alignment: {}", s.channel_alignment));
      if (s.max_channels != 0) line(8, fmt::format("max_channels: {}", s.max_channels));
      if (!s.fused_activations.empty())
        line(8, "fused_activations: " +
                    list(s.fused_activations, [](ir::OpKind k) { return std::string(ir::op_name(k)); }));
      const auto limit = [&](const char* key, int v) {
        if (v != 0) line(8, fmt::format("{}: {}", key, v));
      };
      if (s.square_kernels) line(8, "square_kernels: true");
      limit("max_kernel", s.max_kernel);
      limit("max_kernel_height", s.max_kernel_height);
      limit("max_kernel_area", s.max_kernel_area);
      limit("max_dim", s.max_dim);
      limit("max_input_channels", s.max_input_channels);
      if (s.input_height.limited())
        line(8, fmt::format("input_height: [{}, {}]", s.input_height.min, s.input_height.max));
      if (s.input_width.limited()) line(8, fmt::format("input_width: [{}, {}]", s.input_width.min, s.input_width.max));
      if (!s.resize_scales.empty()) line(8, "resize_scales: " + list(s.resize_scales, str));
      if (!s.rule.empty()) line(8, "rule: " + text(s.rule));
    }
  }
  if (d.partition != Partition::PerOperator) line(0, fmt::format("partition: {}", partition_name(d.partition)));
  const Memory& m = d.memory;
  line(0, "memory:");
  line(2, "sram_kib: " + num(m.sram_bytes / kKiB));
  line(2, "flash_kib: " + num(m.flash_bytes / kKiB));
  line(2, "dram_mib: " + num(m.dram_bytes / kMiB));
  line(2, "runtime_flash_kib: " + num(m.runtime_flash_bytes / kKiB));
  line(2, "runtime_sram_kib: " + num(m.runtime_sram_bytes / kKiB));
  if (d.fallback.processor >= 0) {
    line(0, "fallback:");
    line(2, "processor: " + text(d.processors.at(d.fallback.processor).name));
    line(2, "transfer_gb_s: " + num(d.fallback.transfer_bytes_per_s / kGBps));
    line(2, "transfer_overhead_us: " + num(d.fallback.transfer_overhead_s / kUs));
  }
  line(0, "power:");
  line(2, "idle_mw: " + num(d.power.idle_mw));
  line(2, "energy_pj_per_byte: " + num(d.power.energy_pj_per_byte));
  return y;
}

}  // namespace hwnas::hw
