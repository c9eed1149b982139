// TFLite benchmark_model logs (measure/benchmark_model_log.h), what `hwnas measurements
// import` reads, then the CSV tables written from them, as the import writes them.
#include "fuzz_parser.h"
#include "hwnas/measure/benchmark_model_csv.h"
#include "hwnas/measure/benchmark_model_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view text) {
    const auto runs = hwnas::measure::parse_benchmark_model_log(text, "fuzz.txt");
    (void)hwnas::measure::benchmark_runs_csv(runs, "");
    (void)hwnas::measure::benchmark_ops_csv(runs);
  });
}
