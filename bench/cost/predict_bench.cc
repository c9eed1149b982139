// Latency prediction throughput (issue 4: >= 100,000 predictions per second on one core for
// nb201 and mbconv archs, arch -> latency with everything included).
//   slow:    space->decode(arch) then model.predict_ms(graph)         (what a plain caller does)
//   stream:  a fresh cost::ArchLatency over 200,000 random archs, learning as it goes
//            (what a search sees: its first candidates pay for decoding, the rest reuse pieces)
//   warm:    an ArchLatency that has seen 20,000 archs, on archs it has not seen as a whole
// items_per_second = predictions per second. The device is $HWNAS_BENCH_DEVICE (default
// pixel3-cpu; any built-in name or YAML path). bench/run_cost_bench.sh prints the summary.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/cost/arch_latency.h"
#include "hwnas/cost/latency_model.h"
#include "hwnas/hw/device.h"
#include "hwnas/space/search_space.h"
#include "hwnas/target/resolver.h"

namespace {

using hwnas::cost::ArchLatency;
using hwnas::space::Arch;

const hwnas::cost::LatencyModel& model() {
  static const auto m = [] {
    const char* name = std::getenv("HWNAS_BENCH_DEVICE");
    return hwnas::cost::make_latency_model({.kind = "roofline"}, hwnas::hw::load_device(name ? name : "pixel3-cpu"));
  }();
  return *m;
}

std::vector<Arch> sample(const hwnas::space::SearchSpace& s, size_t n, uint64_t seed) {
  hwnas::Rng rng(seed);
  std::vector<Arch> archs;
  archs.reserve(n);
  for (size_t i = 0; i < n; ++i) archs.push_back(s.sample(rng));
  return archs;
}

void slow(benchmark::State& state, const char* space_name) {
  const auto space = hwnas::target::resolve_space(space_name);
  const std::vector<Arch> archs = sample(*space, 256, 1);
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(model().predict_ms(space->decode(archs[i++ % archs.size()]), hwnas::ir::DType::f32));
  state.SetItemsProcessed(state.iterations());
}

void stream(benchmark::State& state, const char* space_name) {
  const auto space = hwnas::target::resolve_space(space_name);
  const std::vector<Arch> archs = sample(*space, 200'000, 2);
  uint64_t decodes = 0;
  for (auto _ : state) {
    ArchLatency fast(*space, model(), hwnas::ir::DType::f32);
    for (const Arch& a : archs) benchmark::DoNotOptimize(fast.ms(a));
    decodes = fast.counters().decodes;
  }
  state.SetItemsProcessed(state.iterations() * archs.size());
  state.counters["decodes"] = static_cast<double>(decodes);
}

void warm(benchmark::State& state, const char* space_name) {
  const auto space = hwnas::target::resolve_space(space_name);
  ArchLatency fast(*space, model(), hwnas::ir::DType::f32);
  for (const Arch& a : sample(*space, 20'000, 3)) fast.ms(a);
  const std::vector<Arch> archs = sample(*space, 4096, 4);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(fast.ms(archs[i++ % archs.size()]));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(slow, nb201, "nb201");
BENCHMARK_CAPTURE(slow, mbconv, "mbconv");
BENCHMARK_CAPTURE(stream, nb201, "nb201")->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK_CAPTURE(stream, mbconv, "mbconv")->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK_CAPTURE(warm, nb201, "nb201");
BENCHMARK_CAPTURE(warm, mbconv, "mbconv");

}  // namespace

BENCHMARK_MAIN();
