#pragma once
// Axis and column labels from metric names: the unit is the name's last "_" part, by the
// project's naming convention (latency_ms, peak_sram_kib, energy_mj, flops_M).
//
//   report::metric_label("latency_ms");     // "latency (ms)"
//   report::metric_label("peak_sram_kib");  // "peak sram (KiB)"
//   report::metric_label("accuracy");       // "accuracy"
#include <string>
#include <string_view>

namespace hwnas::report {

// The unit spelled for people ("ms", "KiB", "mJ", "M"), or "" when the name carries none.
std::string metric_unit(std::string_view metric);
// The name without its unit suffix, "_" read as spaces, and the unit in parentheses.
std::string metric_label(std::string_view metric);

}  // namespace hwnas::report
