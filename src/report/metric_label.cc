#include "hwnas/report/metric_label.h"

#include <algorithm>
#include <array>
#include <utility>

namespace hwnas::report {
namespace {

// Suffixes are matched exactly (case matters: "_M" is millions, "_m" would be metres and is
// left alone rather than guessed).
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kUnits{{
    {"ms", "ms"},
    {"us", "µs"},
    {"s", "s"},
    {"kib", "KiB"},
    {"mib", "MiB"},
    {"kb", "KB"},
    {"mb", "MB"},
    {"bytes", "B"},
    {"mj", "mJ"},
    {"j", "J"},
    {"mw", "mW"},
    {"w", "W"},
    {"fps", "FPS"},
    {"pct", "%"},
    {"M", "M"},
    {"G", "G"},
    {"K", "K"},
}};

// Splits "peak_sram_kib" into ("peak_sram", "KiB"); no split when there is no known suffix.
std::pair<std::string_view, std::string_view> split_unit(std::string_view metric) {
  const size_t cut = metric.rfind('_');
  if (cut == std::string_view::npos || cut == 0) return {metric, {}};
  const std::string_view suffix = metric.substr(cut + 1);
  for (const auto& [key, unit] : kUnits)
    if (suffix == key) return {metric.substr(0, cut), unit};
  return {metric, {}};
}

}  // namespace

std::string metric_unit(std::string_view metric) { return std::string(split_unit(metric).second); }

std::string metric_label(std::string_view metric) {
  const auto [base, unit] = split_unit(metric);
  std::string label(base);
  std::replace(label.begin(), label.end(), '_', ' ');
  if (!unit.empty()) label += " (" + std::string(unit) + ")";
  return label;
}

}  // namespace hwnas::report
