// hwnas device list | show | audit | calibrate: device profiles (docs/devices.md).
//
//   hwnas device list
//   hwnas device show cortex-m7 [--json]
//   hwnas device audit npu-generic --space mbconv          # per operator: native or fallback, why, cost
//   hwnas device audit npu-generic --model mobilenetv2-1.0 --dtype int8 --json
//   hwnas device calibrate --out host.yaml --threads 1      # measure this machine (xnnpack)
//
// <device> is a built-in name (devices/*.yaml) or a profile YAML file (hw::load_device).
// Figures in `list` and `show` are the profile's (datasheet/analytical or calibrated: its
// `calibration` line says which); the audit applies the profile's operator set, and its
// transfer times are predicted from the profile's transfer rate.
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/hw/device.h"
#include "hwnas/measure/calibrate.h"
#include "hwnas/space/search_space.h"
#include "hwnas/target/audit.h"
#include "hwnas/target/resolver.h"
#include "hwnas/target/restrict_space.h"
#include "table.h"

namespace hwnas::cli {
namespace {

using nlohmann::json;

constexpr const char* kDeviceHelp = "a built-in device (hwnas device list) or a device profile YAML file";
constexpr hw::OpClass kClasses[] = {hw::OpClass::Conv,        hw::OpClass::Depthwise, hw::OpClass::FullyConnected,
                                    hw::OpClass::Elementwise, hw::OpClass::Pool,      hw::OpClass::Data};

bool counts_macs(hw::OpClass c) {
  return c == hw::OpClass::Conv || c == hw::OpClass::Depthwise || c == hw::OpClass::FullyConnected;
}

std::string mem(int64_t bytes) { return bytes > 0 ? kib(bytes) : "-"; }

// The primary's peak for conv at the device's default dtype, per second.
double conv_peak(const hw::Device& d) {
  const hw::Processor& p = d.processors[d.primary];
  return p.clock_hz * p.rate(hw::OpClass::Conv, d.default_dtype);
}

void add_list(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("list", "The built-in devices with their main figures");
  cmd->callback([] {
    TextTable t({{"device"},
                 {"kind"},
                 {"primary"},
                 {"conv peak", Align::Right},
                 {"SRAM", Align::Right},
                 {"flash", Align::Right},
                 {"description"}});
    for (const auto& name : hw::builtin_device_names()) {
      const hw::Device d = hw::load_device(name);
      const hw::Processor& p = d.processors[d.primary];
      t.add_row({d.name, d.kind, fmt::format("{} {:.0f} MHz", p.name, p.clock_hz / 1e6),
                 fmt::format("{}MAC/s {}", si(conv_peak(d)), ir::dtype_name(d.default_dtype)), mem(d.memory.sram_bytes),
                 mem(d.memory.flash_bytes), d.description});
    }
    fmt::print(
        "{}\nFigures are the profiles' (see `hwnas device show <device>` for their provenance), "
        "not measured here.\n",
        t.str());
  });
}

json device_json(const hw::Device& d) {
  json procs = json::array();
  for (const hw::Processor& p : d.processors) {
    json rates = json::object();
    for (const auto& [key, v] : p.per_cycle)
      rates[std::string(hw::op_class_name(key.first))][std::string(ir::dtype_name(key.second))] = v;
    json per_output = json::object();
    for (const auto& [key, v] : p.cycles_per_output)
      per_output[std::string(hw::op_class_name(key.first))][std::string(ir::dtype_name(key.second))] = v;
    json ops = nullptr;  // null: every operator
    if (p.ops) {
      ops = json::array();
      for (const hw::OpSupport& s : *p.ops) {
        json fused = json::array();
        for (auto a : s.fused_activations) fused.push_back(ir::op_name(a));
        json dtypes = json::array();
        for (auto t : s.dtypes) dtypes.push_back(ir::dtype_name(t));
        ops.push_back({{"op", ir::op_name(s.op)},
                       {"kernels", s.kernels},
                       {"strides", s.strides},
                       {"dtypes", dtypes},
                       {"channel_alignment", s.channel_alignment},
                       {"max_channels", s.max_channels},
                       {"fused_activations", fused},
                       {"square_kernels", s.square_kernels},
                       {"max_kernel", s.max_kernel},
                       {"max_kernel_height", s.max_kernel_height},
                       {"max_kernel_area", s.max_kernel_area},
                       {"max_dim", s.max_dim},
                       {"max_input_channels", s.max_input_channels},
                       {"input_height", {s.input_height.min, s.input_height.max}},
                       {"input_width", {s.input_width.min, s.input_width.max}},
                       {"resize_scales", s.resize_scales},
                       {"rule", s.rule}});
      }
    }
    procs.push_back({{"name", p.name},
                     {"clock_hz", p.clock_hz},
                     {"per_cycle", rates},
                     {"cycles_per_output", per_output},
                     {"bandwidth_bytes_per_s", p.bandwidth_bytes_per_s},
                     {"weights_bandwidth_bytes_per_s", p.weights_bandwidth_bytes_per_s},
                     {"op_overhead_s", p.op_overhead_s},
                     {"invoke_overhead_s", p.invoke_overhead_s},
                     {"active_power_mw", p.active_power_mw},
                     {"ops", ops}});
  }
  const hw::Memory& m = d.memory;
  json j = {{"name", d.name},
            {"description", d.description},
            {"kind", d.kind},
            {"source", d.source},
            {"calibration", d.calibration},
            {"engine", d.engine},
            {"default_dtype", ir::dtype_name(d.default_dtype)},
            {"primary", d.processors[d.primary].name},
            {"partition", hw::partition_name(d.partition)},
            {"processors", procs},
            {"memory",
             {{"sram_bytes", m.sram_bytes},
              {"flash_bytes", m.flash_bytes},
              {"dram_bytes", m.dram_bytes},
              {"runtime_flash_bytes", m.runtime_flash_bytes},
              {"runtime_sram_bytes", m.runtime_sram_bytes}}},
            {"power", {{"idle_mw", d.power.idle_mw}, {"energy_pj_per_byte", d.power.energy_pj_per_byte}}}};
  if (d.fallback.processor >= 0)
    j["fallback"] = {{"processor", d.processors[d.fallback.processor].name},
                     {"transfer_bytes_per_s", d.fallback.transfer_bytes_per_s},
                     {"transfer_overhead_s", d.fallback.transfer_overhead_s}};
  return j;
}

// A kernel or stride limit; "-" where the operator has no such parameter.
std::string limit(const std::vector<int>& v, bool applies) {
  if (!applies) return "-";
  return v.empty() ? "any" : fmt::format("{}", fmt::join(v, ","));
}

// The published range limits of an entry, and the rule they come from: "k<=64 kh<=64 ...".
std::string limits_text(const hw::OpSupport& s) {
  std::vector<std::string> v;
  if (s.square_kernels) v.push_back("square");
  if (s.max_kernel) v.push_back(fmt::format("k<={}", s.max_kernel));
  if (s.max_kernel_height) v.push_back(fmt::format("kh<={}", s.max_kernel_height));
  if (s.max_kernel_area) v.push_back(fmt::format("kh*kw<={}", s.max_kernel_area));
  if (s.max_dim) v.push_back(fmt::format("dims<={}", s.max_dim));
  if (s.max_input_channels) v.push_back(fmt::format("in-ch<={}", s.max_input_channels));
  if (s.input_height.limited()) v.push_back(fmt::format("H {}..{}", s.input_height.min, s.input_height.max));
  if (s.input_width.limited()) v.push_back(fmt::format("W {}..{}", s.input_width.min, s.input_width.max));
  if (!s.resize_scales.empty()) v.push_back(fmt::format("x{}", fmt::join(s.resize_scales, "/")));
  if (!s.rule.empty()) v.push_back(fmt::format("[{}]", s.rule));
  return fmt::format("{}", fmt::join(v, " "));
}

void print_device(const hw::Device& d) {
  fmt::print("device: {} ({})\n{}\nsource: {}\nfigures: {}\n{}\n", d.name, d.kind, d.description, d.source,
             d.calibration, d.engine.empty() ? "" : fmt::format("engine: {}\n", d.engine));
  for (size_t i = 0; i < d.processors.size(); ++i) {
    const hw::Processor& p = d.processors[i];
    const bool primary = static_cast<int>(i) == d.primary;
    fmt::print("processor {}{}: {:.0f} MHz, {:.3g} GB/s{}{}, {:.3g} us per op, {:g} us per invoke, {:g} mW active\n",
               p.name, primary ? " (primary)" : (static_cast<int>(i) == d.fallback.processor ? " (fallback)" : ""),
               p.clock_hz / 1e6, p.bandwidth_bytes_per_s / 1e9,
               p.weights_bandwidth_bytes_per_s > 0
                   ? fmt::format(" (weights {:.3g} GB/s on their own port)", p.weights_bandwidth_bytes_per_s / 1e9)
                   : "",
               p.weights_cache_bytes > 0
                   ? fmt::format(", weights cache {:g} KiB (weights past it fetched every inference at {:.3g} GB/s)",
                                 static_cast<double>(p.weights_cache_bytes) / 1024, p.streamed_weights_bytes_per_s / 1e9)
                   : "",
               p.op_overhead_s * 1e6, p.invoke_overhead_s * 1e6, p.active_power_mw);
    TextTable t({{"class"},
                 {"dtype"},
                 {"per cycle", Align::Right},
                 {"peak", Align::Right},
                 {"cycles per output", Align::Right}});
    for (hw::OpClass c : kClasses)
      for (const auto& [key, v] : p.per_cycle)
        if (key.first == c) {
          const double per_output = p.output_cycles(c, key.second);
          t.add_row({std::string(hw::op_class_name(c)), std::string(ir::dtype_name(key.second)), fmt::format("{:g}", v),
                     fmt::format("{}{}/s", si(v * p.clock_hz), counts_macs(c) ? "MAC" : "elem"),
                     per_output > 0 ? fmt::format("{:g}", per_output) : "-"});
        }
    fmt::print("{}", t.str());
    if (p.ops) {
      TextTable o({{"operator"}, {"kernels"}, {"strides"}, {"dtypes"}, {"channels"}, {"fuses"}, {"limits"}});
      for (const hw::OpSupport& s : *p.ops) {
        std::vector<std::string_view> dtypes, fused;
        for (auto dt : s.dtypes) dtypes.push_back(ir::dtype_name(dt));
        for (auto a : s.fused_activations) fused.push_back(ir::op_name(a));
        std::string ch = s.channel_alignment > 1 ? fmt::format("x{}", s.channel_alignment) : "any";
        if (s.max_channels > 0) ch += fmt::format(" <={}", s.max_channels);
        const uint32_t fields = ir::attr_fields(s.op);
        o.add_row({std::string(ir::op_name(s.op)), limit(s.kernels, fields & ir::kKernel),
                   limit(s.strides, fields & ir::kStride),
                   dtypes.empty() ? "any" : fmt::format("{}", fmt::join(dtypes, ",")), ch,
                   fmt::format("{}", fmt::join(fused, ",")), limits_text(s)});
      }
      fmt::print("operator set of {} (anything else falls back):\n{}", p.name, o.str());
    } else {
      fmt::print("operator set: every operator\n");
    }
    fmt::print("\n");
  }
  const hw::Memory& m = d.memory;
  fmt::print("memory: SRAM {}, flash {}, DRAM {}; runtime: {} flash, {} RAM\n", mem(m.sram_bytes), mem(m.flash_bytes),
             mem(m.dram_bytes), mem(m.runtime_flash_bytes), mem(m.runtime_sram_bytes));
  if (d.fallback.processor >= 0)
    fmt::print("fallback: {} at {:.3g} GB/s, {:.3g} us per transfer; partition: {}\n",
               d.processors[d.fallback.processor].name, d.fallback.transfer_bytes_per_s / 1e9,
               d.fallback.transfer_overhead_s * 1e6,
               d.partition == hw::Partition::SingleCut
                   ? "single_cut (everything from the first unsupported operator on runs on the fallback)"
                   : "per_operator");
  fmt::print("power: {:g} mW idle, {:g} pJ per byte moved\n", d.power.idle_mw, d.power.energy_pj_per_byte);
}

void add_show(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("show", "A device's figures, operator set, memory and power");
  auto name = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  cmd->add_option("device", *name, kDeviceHelp)->required();
  cmd->add_flag("--json", *as_json, "print JSON (SI units: Hz, bytes, bytes/s, s)");
  cmd->callback([name, as_json] {
    const hw::Device d = hw::load_device(*name);
    if (*as_json) fmt::print("{}\n", device_json(d).dump(2));
    else print_device(d);
  });
}

json audit_json(const target::Audit& a) {
  json rows = json::array();
  for (const auto& r : a.rows)
    rows.push_back({{"op", r.op},
                    {"native", r.native},
                    {"fallback", r.fallback},
                    {"after_cut", r.after_cut},
                    {"cuts", r.cuts},
                    {"moved_by_cut", r.moved_by_cut},
                    {"reason", r.reason},
                    {"bytes_to_fallback", r.bytes_to_fallback},
                    {"bytes_back", r.bytes_back},
                    {"transfers", r.transfers},
                    {"transfer_ms", r.transfer_ms}});
  return {{"device", a.device},
          {"subject", a.subject},
          {"dtype", ir::dtype_name(a.dtype)},
          {"graphs", a.graphs},
          {"native_nodes", a.native_nodes()},
          {"fallback_nodes", a.fallback_nodes()},
          {"source", "looked up: the device profile's operator set; transfer_ms predicted from its transfer rate"},
          {"rows", rows}};
}

void print_audit(const target::Audit& a) {
  fmt::print("audit of {} on {} ({}), {} graph{}: {} nodes native on {}, {} fall back{}\n\n", a.subject, a.device,
             ir::dtype_name(a.dtype), a.graphs, a.graphs == 1 ? "" : "s", a.native_nodes(), a.primary,
             a.fallback_nodes(), a.fallback.empty() ? "" : " to " + a.fallback);
  TextTable t({{"operator"},
               {"native", Align::Right},
               {"fallback", Align::Right},
               {"moved", Align::Right},
               {"transfer ms/graph", Align::Right},
               {"why it falls back"}});
  bool cut = false;
  for (const auto& r : a.rows) {
    // Under a single cut: what the row's operator caused, and how much of its count only follows a cut.
    std::string why = r.reason;
    if (r.cuts)
      why = fmt::format("CUT in {} graph{}, moving {} supported nodes after it: {}", group_digits(r.cuts),
                        r.cuts == 1 ? "" : "s", group_digits(r.moved_by_cut), why);
    else if (r.after_cut == r.fallback && r.fallback) why = fmt::format("only after a cut: {}", why);
    cut = cut || r.cuts;
    t.add_row({r.op, group_digits(r.native), group_digits(r.fallback),
               r.fallback ? kib((r.bytes_to_fallback + r.bytes_back) / a.graphs) : "",
               r.fallback ? fmt::format("{:.3f}", r.transfer_ms / a.graphs) : "", why});
  }
  fmt::print("{}", t.str());
  if (cut)
    fmt::print(
        "\nThe device's compiler cuts the graph once (partition: single_cut): the operator marked CUT and\n"
        "everything after it in the graph's order run on the fallback; remove the cause to keep the rest native.\n");
  fmt::print(
      "\nSupport is looked up in the device profile's operator set; transfer times are predicted from its\n"
      "transfer rate and overhead (mean per graph; compute time on the fallback is not included).\n");
}

json restricted_json(const target::RestrictedSpace& r) {
  json removed = json::array();
  for (const auto& rm : r.removed)
    removed.push_back({{"decision", rm.decision}, {"labels", rm.labels}, {"reason", rm.reason}});
  return {{"name", r.space->name()},    {"size_before", r.size_before},
          {"size_after", r.size_after}, {"substitutions", r.substitutions},
          {"removed", removed},         {"remaining", r.remaining},
          {"checked", r.checked}};
}

void print_restricted(const target::RestrictedSpace& r) {
  fmt::print("\nrestricted space {}: {} of {} architectures\n", r.space->name(), big_count(r.size_after),
             big_count(r.size_before));
  for (const auto& s : r.substitutions) fmt::print("  substituted: {}\n", s);
  for (const auto& rm : r.removed)
    fmt::print("  removed {} = {}: {}\n", rm.decision, fmt::join(rm.labels, ","), rm.reason);
  if (r.remaining.empty()) fmt::print("  every node of {} checked samples runs natively\n", r.checked);
  for (const auto& s : r.remaining) fmt::print("  still falls back (fixed structure): {}\n", s);
}

void add_audit(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("audit",
                                    "Which operators run natively on a device and which fall back, why, at "
                                    "what transfer cost; for a space, the space restricted to native choices");
  struct Args {
    std::string device, space, model, dtype;
    int samples = 50;
    uint64_t seed = 1;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("device", a->device, kDeviceHelp)->required();
  auto* sp = cmd->add_option("--space", a->space, "audit a search space (built-in or YAML) over its choices");
  auto* md = cmd->add_option("--model", a->model, "audit one model (built-in, <space>[@device]:<arch>, or graph JSON)");
  sp->excludes(md);
  cmd->add_option("--dtype", a->dtype, "f32 | int8 (default: the device's default dtype)")
      ->check(CLI::IsMember({"f32", "int8"}));
  cmd->add_option("--samples", a->samples, "random architectures audited besides one per choice (--space)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "random seed for the architectures (--space)")->capture_default_str();
  cmd->add_flag("--json", a->json, "print JSON: the audit rows (and the restricted space for --space)");
  cmd->callback([a] {
    if (a->space.empty() && a->model.empty())
      throw hwnas::Error("device audit", "give --space <space> or --model <model>");
    const hw::Device d = hw::load_device(a->device);
    const ir::DType dtype = a->dtype.empty() ? d.default_dtype : *ir::dtype_from_name(a->dtype);
    if (!a->model.empty()) {
      const target::Audit audit = target::audit_graph(d, target::resolve_model(a->model), dtype);
      if (a->json) fmt::print("{}\n", audit_json(audit).dump(2));
      else print_audit(audit);
      return;
    }
    const auto s = target::resolve_space(a->space);
    const target::Audit audit = target::audit_space(d, *s, dtype, a->samples, a->seed);
    const target::RestrictedSpace r = target::restrict_space(*s, d, dtype, {.seed = a->seed});
    if (a->json) {
      json j = audit_json(audit);
      j["restricted"] = restricted_json(r);
      fmt::print("{}\n", j.dump(2));
    } else {
      print_audit(audit);
      print_restricted(r);
    }
  });
}

void add_calibrate(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("calibrate", "Measure this machine with xnnpack and write a host device profile");
  auto out = std::make_shared<std::string>("host.yaml");
  auto o = std::make_shared<measure::CalibrateOptions>();
  cmd->add_option("-o,--out", *out, "the profile to write (use it as --device <file>)")->capture_default_str();
  cmd->add_option("--threads", o->threads, "xnnpack threads")->check(CLI::Range(1, 1024))->capture_default_str();
  cmd->add_option("--budget-s", o->budget_s, "timing budget per probe in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([out, o] {
    std::vector<measure::Probe> probes;
    const hw::Device d = measure::calibrate_host(*o, &probes);
    TextTable t({{"probe"},
                 {"graph"},
                 {"median ms", Align::Right},
                 {"runs", Align::Right},
                 {"CV", Align::Right},
                 {"measured", Align::Right}});
    for (const auto& p : probes) {
      const auto& s = p.m.timing.summary;
      t.add_row({p.name, p.graph, fmt::format("{:.4f}", s.median), std::to_string(s.runs),
                 fmt::format("{:.1f}%{}", 100 * s.cv, p.m.timing.noisy ? " noisy" : ""),
                 p.unit == "s" ? fmt::format("{:.2f} us", p.rate * 1e6) : fmt::format("{}{}", si(p.rate), p.unit)});
    }
    fmt::print("{}\n", t.str());
    write_file_atomic(*out, hw::to_yaml(d));
    fmt::print("measured (xnnpack, {} thread{}); wrote {} (use it with --device {})\n", o->threads,
               o->threads == 1 ? "" : "s", *out, *out);
  });
}

const CommandRegistration reg(30, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("device", "Device profiles: list, show, operator audit, calibrate this host");
  cmd->require_subcommand(1);
  add_list(*cmd);
  add_show(*cmd);
  add_audit(*cmd);
  add_calibrate(*cmd);
});

}  // namespace
}  // namespace hwnas::cli
