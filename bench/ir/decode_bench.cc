// Decode throughput: how many architectures per second a space turns into ir::Graph + Stats.
// Search evaluates cheap metrics on up to millions of candidates, and every one starts here.
//   build/bin/hwnas_decode_bench            (Google Benchmark; items_per_second = archs/s)
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/ir/stats.h"
#include "hwnas/space/search_space.h"
#include "hwnas/target/resolver.h"

namespace {

void decode(benchmark::State& state, const char* space_name) {
  const auto space = hwnas::target::resolve_space(space_name);
  hwnas::Rng rng(1);
  std::vector<hwnas::space::Arch> archs;
  for (int i = 0; i < 256; ++i) archs.push_back(space->sample(rng));
  size_t i = 0;
  for (auto _ : state) {
    const hwnas::ir::Graph g = space->decode(archs[i++ % archs.size()]);
    benchmark::DoNotOptimize(hwnas::ir::compute_stats(g).macs);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(decode, nb201, "nb201");
BENCHMARK_CAPTURE(decode, mbconv, "mbconv");
BENCHMARK_CAPTURE(decode, dscnn, "dscnn");

}  // namespace

BENCHMARK_MAIN();
