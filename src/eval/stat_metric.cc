#include "hwnas/eval/stat_metric.h"

#include <fmt/format.h>

#include "hwnas/ir/stats.h"

namespace hwnas::eval {

std::string_view stat_value_name(StatValue v) { return v == StatValue::Macs ? "macs" : "params"; }

std::vector<std::string> stat_value_names() {
  return {std::string(stat_value_name(StatValue::Macs)), std::string(stat_value_name(StatValue::Params))};
}

StatMetric::StatMetric(std::string name, CostClass cost, StatValue value,
                       std::shared_ptr<const space::SearchSpace> space)
    : Metric(std::move(name), cost), value_(value), space_(std::move(space)) {}

std::string StatMetric::source() const {
  return fmt::format("computed ({} of the graph, millions)",
                     value_ == StatValue::Macs ? "multiply-accumulates" : "parameters");
}

std::string StatMetric::fingerprint() const { return fmt::format("stat {} millions", stat_value_name(value_)); }

double StatMetric::evaluate(const space::Arch& arch, const std::string&) const {
  const ir::Stats s = ir::compute_stats(space_->decode(arch));
  return static_cast<double>(value_ == StatValue::Macs ? s.macs : s.params) / 1e6;
}

}  // namespace hwnas::eval
