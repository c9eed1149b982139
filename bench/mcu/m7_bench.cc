// The generated code of a model beside the published Cortex-M7 figures (issue 14, item 7):
// estimated cycles against every MLPerf Tiny M7 result for dscnn-mlperf, peak RAM against a
// TFLite-Micro-style arena plan of the same model, flash against the TFLite model file plus a
// TFLite Micro runtime. Random weights (the code and its costs do not depend on their values).
//
//   bench/run_m7_bench.sh                        # dscnn-mlperf
//   build/bin/hwnas_m7_bench --model dscnn:<arch>
#include <filesystem>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "hwnas/codegen/arena.h"
#include "hwnas/codegen/generate.h"
#include "hwnas/codegen/runner.h"
#include "hwnas/core/csv.h"
#include "hwnas/target/resolver.h"
#include "random_int8.h"

namespace fs = std::filesystem;
using namespace hwnas;

int main(int argc, char** argv) {
  CLI::App app{"hwnas's generated Cortex-M7 code beside the published figures"};
  std::string model = "dscnn-mlperf", work = "m7-bench-work",
              published = HWNAS_SOURCE_DIR "/devices/published/mlperf_tiny_kws.csv";
  app.add_option("--model", model, "any model reference")->capture_default_str();
  app.add_option("--published", published, "MLPerf Tiny KWS results (only for dscnn-mlperf)")->capture_default_str();
  app.add_option("--work", work, "scratch folder")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const mcu::Toolchain tc = mcu::Toolchain::find();
    const ir::Graph g = target::resolve_model(model);
    const quant::QuantizedModel m = bench::random_int8(g, 1);
    const codegen::GeneratedModel gen = codegen::generate_c(m, {});
    const codegen::Cortexm7Run r = codegen::run_on_cortex_m7(tc, gen, {bench::random_input(gen.input_bytes, 2)}, work);
    fs::remove_all(work);

    fmt::print("{}: {:.0f} cycles ({}), {} instructions (QEMU icount)\n", model, r.total_cycles, codegen::kCyclesSource,
               r.total_instructions);
    if (model == "dscnn-mlperf") {
      const core::CsvTable t = core::read_csv(published);
      const int core = t.column("core"), engine = t.column("engine"), board = t.column("board"),
                version = t.column("results_version"), clock = t.column("clock_mhz"), ms = t.column("latency_ms");
      fmt::print("\n{:<34} {:<18} {:>6} {:>10} {:>12} {:>10}\n", "engine (MLPerf Tiny, published)", "board", "round",
                 "ms", "cycles", "hwnas/it");
      for (size_t i = 0; i < t.rows.size(); ++i) {
        if (t.rows[i][core] != "cortex-m7") continue;
        const double cycles = t.number(i, ms) * 1e-3 * t.number(i, clock) * 1e6;
        fmt::print("{:<34} {:<18} {:>6} {:>10.3f} {:>12.0f} {:>10.2f}\n", t.rows[i][engine], t.rows[i][board],
                   t.rows[i][version], t.number(i, ms), cycles, r.total_cycles / cycles);
      }
      fmt::print("{:<34} {:<18} {:>6} {:>10.3f} {:>12.0f} {:>10}\n", "hwnas codegen (estimated)", "F746 at 216 MHz",
                 "-", r.total_cycles / 216e3, r.total_cycles, "1.00");
    }

    const int64_t arena = gen.arena.arena_bytes + gen.arena.scratch_bytes, tflm = codegen::tflm_arena_bytes(m);
    fmt::print(
        "\npeak RAM for activations: {} B generated (arena {} + scratch {}) vs {} B TFLite-Micro-style "
        "(greedy, graph order, no in-place): {:.2f}x lower\n",
        arena, gen.arena.arena_bytes, gen.arena.scratch_bytes, tflm, static_cast<double>(tflm) / arena);
    fmt::print("flash (from the ELF): {} B = code {} + constants {} (weights {}) + vectors/data {}\n", r.memory.flash,
               r.memory.text, r.memory.rodata, gen.weight_bytes, r.memory.flash - r.memory.text - r.memory.rodata);
    fmt::print("RAM (from the ELF): {} B = arena {} + stack {} + bss/data {}\n", r.memory.ram, r.memory.arena,
               r.memory.stack, r.memory.bss + r.memory.data);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
