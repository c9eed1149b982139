#include "hwnas/measure/benchmark_model_csv.h"

#include <cmath>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "hwnas/core/csv.h"

namespace hwnas::measure {
namespace {

// Microseconds as milliseconds, to the nanosecond, so that 15610.4 us reads 15.6104 and not
// 15.610399999999998.
std::string ms(std::optional<double> us) {
  return us ? core::format_number(std::round(*us * 1000) / 1e6) : std::string();
}
std::string num(std::optional<double> v) { return v ? core::format_number(*v) : std::string(); }
std::string num(std::optional<int> v) { return v ? std::to_string(*v) : std::string(); }

std::string join(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, "+")); }

}  // namespace

std::string describe(const BenchmarkRun& r, const std::string& device) {
  const std::string on = device.empty() ? std::filesystem::path(r.source).filename().string() : device;
  const std::string runs = r.count ? fmt::format("{} runs", *r.count) : "number of runs not logged";
  const std::string spread = r.std_us ? fmt::format("std {} ms", ms(r.std_us)) : "std not logged";
  return fmt::format("measured (TFLite benchmark_model on {}, {}, {})", on, runs, spread);
}

std::vector<std::string> benchmark_runs_columns() {
  return {"arch",          "latency_ms",     "std_ms",         "runs",           "min_ms",
          "max_ms",        "median_ms",      "first_ms",       "warmup_avg_ms",  "init_ms",
          "threads",       "delegate",       "delegated_nodes", "init_memory_mb", "overall_memory_mb",
          "peak_memory_mb", "graph",         "device",         "source",         "log"};
}

std::string benchmark_runs_csv(const std::vector<BenchmarkRun>& runs, const std::string& device) {
  std::string out = core::csv_line(benchmark_runs_columns());
  for (const BenchmarkRun& r : runs)
    out += core::csv_line({r.model(), ms(r.avg_us), ms(r.std_us), num(r.count), ms(r.min_us), ms(r.max_us),
                           ms(r.median_us), ms(r.first_us), ms(r.warmup_avg_us), ms(r.init_us), num(r.threads),
                           r.delegates.empty() ? "cpu" : join(r.delegates), r.delegated_nodes.value_or(""),
                           num(r.init_memory_mb), num(r.overall_memory_mb), num(r.peak_memory_mb), r.graph, device,
                           describe(r, device), r.where()});
  return out;
}

std::string benchmark_ops_csv(const std::vector<BenchmarkRun>& runs) {
  std::string out = core::csv_line(
      {"arch", "node_type", "count", "avg_ms", "avg_percent", "cdf_percent", "mem_kb", "times_called", "log"});
  for (const BenchmarkRun& r : runs)
    for (const OpTypeSummary& o : r.op_summary)
      out += core::csv_line({r.model(), o.node_type, std::to_string(o.count), core::format_number(o.avg_ms),
                             core::format_number(o.avg_percent), core::format_number(o.cdf_percent),
                             core::format_number(o.mem_kb), std::to_string(o.times_called), r.where()});
  return out;
}

}  // namespace hwnas::measure
