// hwnas memory: a model's peak SRAM and flash on a device, predicted by an arena planner,
// with the timeline of live tensors; optionally what a host backend really holds.
//
//   hwnas memory dscnn-mlperf --device cortex-m7                 # an mcu: the generated C's plan
//   hwnas memory dscnn-mlperf --device cortex-m7 --engine tflm   # as TFLite Micro would plan it
//   hwnas memory mobilenetv2-0.35 --device cortex-m7-f746 --resolution 96 --order best
//   hwnas memory ssdlite-mobilenetv2 --device cortex-m7 --planner linear --json
//   hwnas memory dscnn-mlperf --device cortex-m7 --measure --backend xnnpack
//
// The figures come from plan::estimate_memory (rules in plan/lifetimes.h) and, with
// --measure, from measure::measure_memory_usage. This file only formats them.
#include <algorithm>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "command.h"
#include "hwnas/measure/memory_usage.h"
#include "hwnas/plan/memory_timeline.h"
#include "hwnas/runtime/backend.h"
#include "hwnas/target/resolver.h"
#include "hwnas/target/restrict_space.h"
#include "table.h"

namespace hwnas::cli {
namespace {

struct MemoryArgs {
  std::string model, device, dtype = "int8", engine = "auto", planner = "greedy", order, backend = "xnnpack";
  models::ModelOverrides overrides;
  bool json = false, no_timeline = false, inplace_depthwise = false, measure = false;
  int bar_width = 40;
};

std::string limit(int64_t used, int64_t available) {
  if (available == 0) return "(the device sets no limit)";
  return fmt::format("of {}: {}", kib(available), used <= available ? "fits" : "DOES NOT FIT");
}

std::string live_names(const plan::MemoryEstimate& m, const ir::Graph& g, const plan::TimelineStep& s) {
  std::string names;
  for (int b : s.live_buffers) names += (names.empty() ? "" : ", ") + plan::buffer_tensor_name(m, g, b, s.step);
  return names;
}

void print_timeline(const plan::MemoryEstimate& m, const ir::Graph& g, int width) {
  const auto steps = plan::memory_timeline(m);
  int64_t peak = 1;
  for (const auto& s : steps) peak = std::max(peak, s.live_bytes);
  TextTable t(
      {{"step", Align::Right}, {"node"}, {"op"}, {"live KiB", Align::Right}, {"share of the peak"}, {"live tensors"}});
  for (const auto& s : steps) {
    const int bar = static_cast<int>((s.live_bytes * width + peak - 1) / peak);
    t.add_row({std::to_string(s.step), g.node(s.node).name, std::string(ir::op_name(g.node(s.node).op)),
               fmt::format("{:.1f}", s.live_bytes / 1024.0), std::string(bar, '#') + std::string(width - bar, '.'),
               live_names(m, g, s)});
  }
  fmt::print("\ntimeline (steps that run an op; live = buffers held at that step, aligned sizes):\n{}", t.str());
}

void print_text(const plan::MemoryEstimate& m, const ir::Graph& g, const MemoryArgs& a) {
  const hw::Memory& dm = m.device_memory;
  fmt::print("{} on {}, {}: {}\n", m.model, m.device, ir::dtype_name(m.dtype), m.source());
  const std::string scratch = m.scratch_bytes > 0 ? fmt::format(" + kernel scratch {}", kib(m.scratch_bytes)) : "";
  fmt::print("  peak SRAM  {} = arena {}{} + runtime {}  {}\n", kib(m.sram_bytes()), kib(m.arena_bytes()), scratch,
             kib(dm.runtime_sram_bytes), limit(m.sram_bytes(), dm.sram_bytes));
  fmt::print("  flash      {} = {} {} + runtime {}  {}\n", kib(m.flash_bytes()),
             m.engine == plan::Engine::HwnasCodegen ? "constant arrays" : "weights", kib(m.weight_bytes),
             kib(dm.runtime_flash_bytes), limit(m.flash_bytes(), dm.flash_bytes));
  fmt::print("  arena lower bound {} (live bytes at the worst step; no planner needs less for this order)\n",
             kib(m.lower_bound_bytes));
  fmt::print("  order: {}", m.order_method);
  if (m.order_policy == plan::OrderPolicy::Best)
    fmt::print("; lower bound {} vs {} in graph order", kib(m.lower_bound_bytes), kib(m.graph_order_lower_bound_bytes));
  fmt::print("\n  fits: {}\n", m.fits() ? "yes" : "NO");
  if (!a.no_timeline) print_timeline(m, g, a.bar_width);
}

nlohmann::json measured_json(const measure::MemoryUsage& u) {
  return {{"backend", u.backend},
          {"dtype", ir::dtype_name(u.dtype)},
          {"threads", u.threads},
          {"weights_bytes", u.weights_bytes},
          {"prepared_bytes", u.prepared_bytes},
          {"first_invoke_bytes", u.first_invoke_bytes},
          {"runtime_bytes", u.runtime_bytes()},
          {"source", u.source()}};
}

void print_measured(const measure::MemoryUsage& u, const plan::MemoryEstimate& m) {
  fmt::print("\n{}:\n", u.source());
  fmt::print("  host weights given to prepare  {}\n", kib(u.weights_bytes));
  fmt::print("  held after prepare             {} (packed weights, buffers, workspace, runtime)\n",
             kib(u.prepared_bytes));
  fmt::print("  more after the first invoke    {}\n", kib(u.first_invoke_bytes));
  fmt::print("  beside the prediction for {}: arena {} + weights {} = {}\n", ir::dtype_name(m.dtype),
             kib(m.arena_bytes()), kib(m.weight_bytes), kib(m.arena_bytes() + m.weight_bytes));
}

void add_memory(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("memory", "Peak SRAM and flash of a model on a device (arena planner, live-tensor timeline)");
  auto a = std::make_shared<MemoryArgs>();
  cmd->add_option(
         "model", a->model,
         "a built-in model (dscnn-mlperf, mobilenetv2-1.0, ...), <space>[@device]:<arch>, or a graph JSON file")
      ->required();
  cmd->add_option("--device", a->device, "a built-in device (cortex-m7, ...) or a device YAML file")->required();
  cmd->add_option("--resolution", a->overrides.resolution, "input height and width (default: the model's own)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--classes", a->overrides.classes, "number of output classes (default: the model's own)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--dtype", a->dtype, "int8 | f32: the bytes of every tensor and weight")
      ->check(CLI::IsMember({"int8", "f32"}))
      ->capture_default_str();
  cmd->add_option("--engine", a->engine,
                  "what runs the model: hwnas-codegen (the C hwnas deploy generates: its arena plan, kernel scratch "
                  "and constant arrays) | tflm (an interpreter planning like TFLite Micro) | auto (hwnas-codegen on "
                  "an int8 mcu, else tflm)")
      ->check(CLI::IsMember({"auto", "tflm", "hwnas-codegen"}))
      ->capture_default_str();
  cmd->add_option("--planner", a->planner, "greedy (TFLM greedy by size) | linear (no reuse)")
      ->check(CLI::IsMember(plan::memory_planner_names()))
      ->capture_default_str();
  cmd->add_option("--order", a->order,
                  "graph (the model's node order) | best (least peak of live tensors); default: the engine's "
                  "(tflm graph, hwnas-codegen best)")
      ->check(CLI::IsMember({"graph", "best"}));
  cmd->add_flag("--inplace-depthwise", a->inplace_depthwise,
                "depthwise convs with equal input and output sizes write over their input (TinyEngine)");
  cmd->add_flag("--no-timeline", a->no_timeline, "print only the totals");
  cmd->add_flag("--json", a->json, "print JSON: peak_sram_kib, flash_kib, fits, buffers, timeline, ...");
  cmd->add_flag("--measure", a->measure, "also measure the heap a host backend holds for the model (f32 or int8)");
  cmd->add_option("--backend", a->backend, "backend for --measure (xnnpack, reference, opencv, torch)")
      ->check(CLI::IsMember(runtime::backend_names()))
      ->capture_default_str();
  cmd->callback([a] {
    const ir::Graph g = target::resolve_model(a->model, a->overrides);
    const hw::Device device = hw::load_device(a->device);
    const ir::DType dtype = *ir::dtype_from_name(a->dtype);
    plan::MemoryOptions o = a->engine == "auto"            ? plan::default_memory_options(device, dtype)
                            : a->engine == "hwnas-codegen" ? plan::hwnas_codegen_options()
                                                           : plan::MemoryOptions{};
    o.dtype = dtype;  // hwnas-codegen in f32: estimate_memory's error says it is int8 only
    o.planner = a->planner;
    if (!a->order.empty()) o.order = a->order == "best" ? plan::OrderPolicy::Best : plan::OrderPolicy::Graph;
    if (a->inplace_depthwise) o.in_place.depthwise = true;
    const plan::MemoryEstimate m = plan::estimate_memory(g, device, o);
    std::optional<measure::MemoryUsage> measured;
    if (a->measure)
      measured = measure::measure_memory_usage(g, {.backend = a->backend, .threads = 1, .dtype = o.dtype, .seed = 0});
    if (a->json) {
      nlohmann::json j = plan::to_json(m, g);
      if (measured) j["measured"] = measured_json(*measured);
      fmt::print("{}\n", j.dump(2));
      return;
    }
    print_text(m, g, *a);
    if (measured) print_measured(*measured, m);
  });
}

CommandRegistration memory_reg(45, add_memory);

}  // namespace
}  // namespace hwnas::cli
