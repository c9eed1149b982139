#pragma once
// The runs of benchmark_model logs (measure/benchmark_model_log.h) as CSV tables that pandas
// and hwnas read as they are. The runs' table starts with the columns `hwnas predictor fit`
// reads by default (`arch`, `latency_ms`), so an imported file is a --measurements table;
// the other columns say how the figure was measured (docs/measure.md#importing-benchmark_model-logs).
//
//   std::string csv = measure::benchmark_runs_csv(runs, "pixel7");
//   // arch,latency_ms,std_ms,runs,...,source,log
//   // mobilenet_v2,15.6104,0.32,50,...,"measured (TFLite benchmark_model on pixel7, 50 runs, std 0.32 ms)",pixel7.txt:17
//   std::string ops = measure::benchmark_ops_csv(runs);   // arch,node_type,count,avg_ms,...
#include <string>
#include <vector>

#include "hwnas/measure/benchmark_model_log.h"

namespace hwnas::measure {

// Where a run's latency came from: "measured (TFLite benchmark_model on <device>, 50 runs,
// std 0.32 ms)"; <device> is the log's name when `device` is empty.
std::string describe(const BenchmarkRun& r, const std::string& device);

std::vector<std::string> benchmark_runs_columns();
// One row per run; figures in ms (us / 1000) and MB as the log printed them, unknowns empty.
std::string benchmark_runs_csv(const std::vector<BenchmarkRun>& runs, const std::string& device);
// One row per "Summary by node type" row of every run that has one.
std::string benchmark_ops_csv(const std::vector<BenchmarkRun>& runs);

}  // namespace hwnas::measure
