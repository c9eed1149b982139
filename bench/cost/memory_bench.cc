// Memory prediction throughput: plan::memory_footprint (arena peak + flash) per architecture
// of each built-in space, graphs decoded beforehand, in graph order and with the execution-
// order search; and the full estimate of a few built-in models.
//   bench/run_memory_bench.sh             (Google Benchmark; items_per_second = graphs/s)
#include <benchmark/benchmark.h>

#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/models/registry.h"
#include "hwnas/plan/memory.h"
#include "hwnas/space/search_space.h"
#include "hwnas/target/resolver.h"

namespace {

std::vector<hwnas::ir::Graph> sample_graphs(const char* space_name) {
  const auto space = hwnas::target::resolve_space(space_name);
  hwnas::Rng rng(1);
  std::vector<hwnas::ir::Graph> graphs;
  for (int i = 0; i < 64; ++i) graphs.push_back(space->decode(space->sample(rng)));
  return graphs;
}

void footprint(benchmark::State& state, const char* space_name, hwnas::plan::OrderPolicy order) {
  const auto graphs = sample_graphs(space_name);
  hwnas::hw::Memory mcu;
  mcu.runtime_sram_bytes = 10 << 10;
  mcu.runtime_flash_bytes = 100 << 10;
  hwnas::plan::MemoryOptions o;
  o.order = order;
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(hwnas::plan::memory_footprint(graphs[i++ % graphs.size()], mcu, o).peak_sram_bytes);
  state.SetItemsProcessed(state.iterations());
}

void estimate(benchmark::State& state, const char* model) {
  const hwnas::ir::Graph g = hwnas::models::builtin_model(model);
  for (auto _ : state) benchmark::DoNotOptimize(hwnas::plan::estimate_memory(g, hwnas::hw::Device{}).arena_bytes());
  state.SetItemsProcessed(state.iterations());
}

using hwnas::plan::OrderPolicy;
BENCHMARK_CAPTURE(footprint, nb201_graph_order, "nb201", OrderPolicy::Graph);
BENCHMARK_CAPTURE(footprint, nb201_best_order, "nb201", OrderPolicy::Best);
BENCHMARK_CAPTURE(footprint, mbconv_graph_order, "mbconv", OrderPolicy::Graph);
BENCHMARK_CAPTURE(footprint, dscnn_graph_order, "dscnn", OrderPolicy::Graph);
BENCHMARK_CAPTURE(footprint, dscnn_best_order, "dscnn", OrderPolicy::Best);
BENCHMARK_CAPTURE(estimate, dscnn_mlperf, "dscnn-mlperf");
BENCHMARK_CAPTURE(estimate, mobilenetv2, "mobilenetv2-1.0");

}  // namespace

BENCHMARK_MAIN();
