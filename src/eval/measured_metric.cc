#include "hwnas/eval/measured_metric.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::eval {

MeasuredMetric::MeasuredMetric(std::string name, CostClass cost, measure::MeasureOptions options,
                               std::shared_ptr<const space::SearchSpace> space)
    : Metric(std::move(name), cost), options_(std::move(options)), space_(std::move(space)) {}

std::string MeasuredMetric::source() const {
  return fmt::format("measured ({} on this host, {}, {} thread{}, up to {} runs or {} s)", options_.backend,
                     ir::dtype_name(options_.dtype), options_.threads, options_.threads == 1 ? "" : "s",
                     options_.timing.max_runs, options_.timing.budget_s);
}

std::string MeasuredMetric::source_for(const std::string& arch_str) const {
  std::lock_guard lock(mutex_);
  const auto it = done_.find(arch_str);
  return it == done_.end() ? source() : it->second;
}

std::string MeasuredMetric::fingerprint() const {
  return fmt::format("measured {} {} {} {} {} {}", options_.backend, ir::dtype_name(options_.dtype), options_.threads,
                     options_.timing.max_runs, options_.timing.budget_s, options_.seed);
}

double MeasuredMetric::evaluate(const space::Arch& arch, const std::string& arch_str) const {
  const measure::Measurement m = measure::measure_model(space_->decode(arch), options_);
  const measure::Summary& s = m.timing.summary;
  std::string how = fmt::format("measured ({} on this host, {}, {} thread{}, {} runs, p10-p90 {:.4g}-{:.4g} ms{})",
                                m.backend, ir::dtype_name(m.dtype), m.threads, m.threads == 1 ? "" : "s", s.runs, s.p10,
                                s.p90, m.timing.noisy ? ", NOISY" : "");
  std::lock_guard lock(mutex_);
  done_[arch_str] = std::move(how);
  return s.median;
}

}  // namespace hwnas::eval
