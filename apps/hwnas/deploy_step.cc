#include "deploy_step.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/codegen/arena.h"
#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/quant/run_int8.h"
#include "table.h"

namespace hwnas::cli {
namespace fs = std::filesystem;

std::vector<runtime::Tensor> dataset_examples(const ir::Graph& g, const data::Dataset& ds, data::Split split,
                                              int64_t count) {
  const ir::Shape& shape = g.node(g.inputs().at(0)).shape;
  const auto hwc = ds.input_shape();
  if (int64_t{hwc[0]} * hwc[1] * hwc[2] != shape.numel())
    fail(ds.reference(), "examples are {}x{}x{}, the model's input is {}: give the model for this dataset", hwc[0],
         hwc[1], hwc[2], shape.str());
  const int64_t n = ds.size(split), take = std::min(count, n);
  std::vector<int64_t> indices;
  for (int64_t i = 0; i < take; ++i) indices.push_back(i * n / take);
  const data::Batch b = ds.batch(split, indices);
  std::vector<runtime::Tensor> out;
  for (int64_t i = 0; i < take; ++i) {
    out.emplace_back(shape);
    std::copy_n(b.x.begin() + i * shape.numel(), shape.numel(), out.back().data.begin());
  }
  return out;
}

data::Split first_split(const data::Dataset& ds) {
  for (data::Split s : data::kSplits)
    if (ds.size(s) > 0) return s;
  fail(ds.reference(), "has no examples");
}

data::Split last_split(const data::Dataset& ds) {
  for (auto it = data::kSplits.rbegin(); it != data::kSplits.rend(); ++it)
    if (ds.size(*it) > 0) return *it;
  fail(ds.reference(), "has no examples");
}

std::vector<std::vector<int8_t>> dataset_int8_inputs(const quant::QuantizedModel& m, const data::Dataset& ds,
                                                     int64_t count) {
  std::vector<std::vector<int8_t>> inputs;
  for (auto& t : dataset_examples(m.graph, ds, last_split(ds), count))
    inputs.push_back(quant::quantize_inputs(m, {t})[0]);
  return inputs;
}

hw::Device mcu_device(const std::string& name) {
  hw::Device d = hw::load_device(name);
  if (d.kind != "mcu")
    fail(d.source,
         "is a '{}' device; deploying generated C needs a microcontroller profile (kind: mcu), e.g. "
         "cortex-m7-f746",
         d.kind);
  return d;
}

double Deployment::latency_ms() const {
  return run.total_cycles / device.processors.at(static_cast<size_t>(device.primary)).clock_hz * 1e3;
}

Deployment deploy_cortex_m7(const mcu::Toolchain& tc, const quant::QuantizedModel& m,
                            const std::vector<std::vector<int8_t>>& inputs, const fs::path& out_dir,
                            const DeployOptions& options, nlohmann::json j) {
  Deployment d;
  d.gen = codegen::generate_c(m, {.prefix = options.prefix});
  const fs::path out = fs::absolute(out_dir);
  const fs::path tmp = out.parent_path() / ("." + out.filename().string() + ".tmp");
  fs::remove_all(tmp);
  d.run = codegen::run_on_cortex_m7(tc, d.gen, inputs, tmp);
  std::vector<int8_t> expected;
  const int out_id = m.graph.outputs()[0];
  for (const auto& x : inputs) {
    const auto v = quant::run_int8(m, {x});
    expected.insert(expected.end(), v[out_id].begin(), v[out_id].end());
  }
  if (expected.size() != d.run.outputs.size())
    fail(out_dir.string(), "the Cortex-M7 run wrote {} output bytes, the int8 reference {}", d.run.outputs.size(),
         expected.size());
  for (size_t i = 0; i < expected.size(); ++i) d.mismatches += expected[i] != d.run.outputs[i];
  d.tflm_arena = codegen::tflm_arena_bytes(m);
  d.device = options.device;

  const auto& mem = d.run.memory;
  j["graph"] = m.graph.name();
  j["inputs"] = inputs.size();
  j["bit_exact"] = d.bit_exact();
  j["mismatched_bytes"] = d.mismatches;
  j["flash_bytes"] = mem.flash;
  j["ram_bytes"] = mem.ram;
  j["memory"] = {
      {"text", mem.text},   {"rodata", mem.rodata},         {"data", mem.data}, {"bss", mem.bss}, {"arena", mem.arena},
      {"stack", mem.stack}, {"weights", d.gen.weight_bytes}};
  j["arena_bytes"] = d.gen.arena.arena_bytes;
  j["scratch_bytes"] = d.gen.arena.scratch_bytes;
  j["tflm_arena_bytes"] = d.tflm_arena;
  j["instructions"] = d.run.total_instructions;
  j["instructions_source"] = "measured: QEMU mps2-an500 -icount, mean over the inputs";
  j["cycles"] = d.run.total_cycles;
  j["cycles_source"] = codegen::kCyclesSource;
  j["device"] = d.device.name;
  j["latency_ms"] = d.latency_ms();
  j["latency_source"] =
      fmt::format("estimated: the cycles at {:g} MHz ({})",
                  d.device.processors.at(static_cast<size_t>(d.device.primary)).clock_hz / 1e6, d.device.source);
  for (const auto& op : d.run.ops)
    j["ops"].push_back({{"node", op.op.name},
                        {"op", op.op.op},
                        {"macs", op.op.macs},
                        {"in_place", op.op.in_place},
                        {"instructions", op.instructions},
                        {"cycles", op.cycles.cycles},
                        {"mispredict_cycles", op.cycles.mispredict_cycles}});
  if (options.before_report) options.before_report(tmp);
  write_file_atomic(tmp / "report.json", j.dump(2) + "\n");
  if (options.replace) fs::remove_all(out);
  fs::rename(tmp, out);
  d.report = std::move(j);
  return d;
}

void print_deployment(const Deployment& d, size_t inputs, bool ops) {
  const auto& mem = d.run.memory;
  fmt::print("QEMU (Cortex-M7, mps2-an500) vs int8 reference on {} inputs: {}\n", inputs,
             d.bit_exact() ? "bit-exact" : fmt::format("{} BYTES DIFFER", d.mismatches));
  fmt::print(
      "flash: {} (code {}, constants {}); RAM: {} (arena {} + scratch {}, stack {}, bss+data {}) -- from the ELF\n",
      kib(static_cast<int64_t>(mem.flash)), kib(static_cast<int64_t>(mem.text)), kib(static_cast<int64_t>(mem.rodata)),
      kib(static_cast<int64_t>(mem.ram)), kib(d.gen.arena.arena_bytes), kib(d.gen.arena.scratch_bytes),
      kib(static_cast<int64_t>(mem.stack)), kib(static_cast<int64_t>(mem.bss + mem.data)));
  const int64_t arena = d.gen.arena.arena_bytes + d.gen.arena.scratch_bytes;
  const double ratio = static_cast<double>(d.tflm_arena) / static_cast<double>(arena);
  fmt::print("arena: {} vs {} for a TFLite-Micro-style plan (greedy, no in-place): {:.2f}x {}\n", kib(arena),
             kib(d.tflm_arena), ratio >= 1 ? ratio : 1 / ratio,
             ratio >= 1 ? "lower"
                        : "HIGHER (no in-place rule reaches this model's peak, and the scratch buffer adds to it)");
  fmt::print("instructions per inference (measured: QEMU icount, mean of {} inputs): {}\n", inputs,
             group_digits(static_cast<int64_t>(d.run.total_instructions)));
  fmt::print("cycles per inference ({}): {} = {:.2f} ms at {:g} MHz on {}\n", codegen::kCyclesSource,
             group_digits(static_cast<int64_t>(d.run.total_cycles)), d.latency_ms(),
             d.device.processors.at(static_cast<size_t>(d.device.primary)).clock_hz / 1e6, d.device.name);
  if (!ops) return;
  TextTable t({{"op"},
               {"node"},
               {"MACs", Align::Right},
               {"instructions", Align::Right},
               {"est. cycles", Align::Right},
               {"MACs/cycle", Align::Right},
               {"share", Align::Right}});
  for (const auto& op : d.run.ops)
    t.add_row({op.op.op + (op.op.in_place ? " (in place)" : ""), op.op.name, group_digits(op.op.macs),
               group_digits(static_cast<int64_t>(op.instructions)),
               group_digits(static_cast<int64_t>(op.cycles.cycles)),
               op.op.macs > 0 && op.cycles.cycles > 0 ? fmt::format("{:.2f}", op.op.macs / op.cycles.cycles) : "-",
               d.run.total_cycles > 0 ? fmt::format("{:.1f}%", 100 * op.cycles.cycles / d.run.total_cycles) : "-"});
  fmt::print("\n{}", t.str());
}

}  // namespace hwnas::cli
