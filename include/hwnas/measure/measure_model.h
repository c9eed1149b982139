#pragma once
// Measures a graph's latency on a backend under the timing protocol: pin (optional), init
// weights from the seed (or use given ones), prepare once, fill the inputs with seeded
// values, then time invoke(). The result carries everything a printed number must say about
// where it came from: backend, runs, spread, threads, pinning, fallbacks, noise.
//
//   measure::MeasureOptions o;
//   o.backend = "xnnpack"; o.threads = 2;
//   measure::Measurement m = measure::measure_model(graph, o);
//   fmt::print("{}\n", measure::to_text(m));   // "... 3.21 ms measured (xnnpack, 212 runs, CV 1.3%)"
//   measure::to_json(m);                        // {"median_ms": 3.21, "p10_ms": ..., ...}
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/ir/graph.h"
#include "hwnas/measure/pinning.h"
#include "hwnas/measure/timing.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::measure {

struct MeasureOptions {
  std::string backend = "xnnpack";
  int threads = 1;
  ir::DType dtype = ir::DType::f32;  // i8: xnnpack's int8 kernels where it has them
  uint64_t seed = 0;                 // weights (when none are given), input values, int8 calibration
  bool pin = true;
  TimingOptions timing;
};

struct Measurement {
  std::string model, backend;
  ir::DType dtype = ir::DType::f32;
  int threads = 1;
  double confidence = 0.95;  // of the median's interval
  TimingResult timing;
  Pinning pinning;
  int fallback_nodes = 0;                   // nodes the backend ran on reference kernels
  std::vector<std::string> fallback_names;  // their node names, in graph order
  std::string execution;                    // the prepared model's summary()
};

Measurement measure_model(const ir::Graph& g, const MeasureOptions& o,
                          const std::optional<runtime::Weights>& weights = std::nullopt);

// "<model>: median 3.21 ms measured (xnnpack, 212 runs, CV 1.3%), p10 3.15 ms, p90 3.40 ms,
//  (backend "xnnpack int8" for int8 runs)
//  1 thread, pinned to CPU 0" plus a NOISY warning line when the protocol did not converge.
std::string to_text(const Measurement& m);
// {"model", "backend", "dtype", "threads", "median_ms", "p10_ms", "p90_ms", "mean_ms", "cv", "runs",
//  "confidence", "ci_low_ms", "ci_high_ms" (the median's interval), "converged", "noisy", "note", "pinned", "cpus",
//  "fallback_nodes", "execution", "source": "measured"}
nlohmann::json to_json(const Measurement& m);

}  // namespace hwnas::measure
