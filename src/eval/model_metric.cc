#include "hwnas/eval/model_metric.h"

#include <optional>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/cost/energy.h"

namespace hwnas::eval {
namespace {

constexpr ModelValue kValues[] = {ModelValue::LatencyMs, ModelValue::EnergyMj, ModelValue::Fps};

// "predicted (roofline on raspi4)" -> "roofline on raspi4".
std::string inner(const std::string& source) {
  const std::string prefix = "predicted (";
  if (source.starts_with(prefix) && source.ends_with(")"))
    return source.substr(prefix.size(), source.size() - prefix.size() - 1);
  return source;
}

}  // namespace

std::string_view model_value_name(ModelValue v) {
  switch (v) {
    case ModelValue::LatencyMs:
      return "latency_ms";
    case ModelValue::EnergyMj:
      return "energy_mj";
    case ModelValue::Fps:
      return "fps";
  }
  return "?";
}

std::vector<std::string> model_value_names() {
  std::vector<std::string> names;
  for (ModelValue v : kValues) names.emplace_back(model_value_name(v));
  return names;
}

ModelMetric::ModelMetric(std::string name, CostClass cost, hw::Device device, const cost::LatencyModelOptions& options,
                         ir::DType dtype, ModelValue value, std::shared_ptr<const space::SearchSpace> space)
    : Metric(std::move(name), cost),
      device_(std::move(device)),
      model_(cost::make_latency_model(options, device_)),
      dtype_(dtype),
      value_(value),
      space_(std::move(space)) {}

std::string ModelMetric::source() const {
  const std::string what = inner(model_->source());
  switch (value_) {
    case ModelValue::LatencyMs:
      return fmt::format("predicted ({}, {})", what, ir::dtype_name(dtype_));
    case ModelValue::EnergyMj:
      return fmt::format("predicted (energy: {} and {}'s power figures, {})", what, device_.name,
                         ir::dtype_name(dtype_));
    case ModelValue::Fps:
      return fmt::format("predicted (1000 / latency of {}, {})", what, ir::dtype_name(dtype_));
  }
  return what;
}

std::string ModelMetric::fingerprint() const {
  // The model's fingerprint covers its device profile and predictor file; energy also reads
  // the profile's power figures, which it may not cover.
  return fmt::format("{} {} {} {}", model_value_name(value_), ir::dtype_name(dtype_), model_->fingerprint(),
                     value_ == ModelValue::EnergyMj ? hw::to_yaml(device_) : "");
}

double ModelMetric::evaluate(const space::Arch& arch, const std::string&) const {
  if (value_ == ModelValue::EnergyMj)
    return cost::estimate_energy(device_, model_->predict(space_->decode(arch), dtype_)).energy_mj;
  std::optional<double> ms;
  {
    std::lock_guard lock(mutex_);
    if (!fast_) fast_ = std::make_unique<cost::ArchLatency>(*space_, *model_, dtype_);
    if (fast_->why_slow().empty()) ms = fast_->ms(arch);
  }
  // A model the fast path cannot memoise: whole graphs, outside the lock, in parallel.
  if (!ms) ms = model_->predict_ms(space_->decode(arch), dtype_);
  return value_ == ModelValue::Fps ? 1000.0 / *ms : *ms;
}

}  // namespace hwnas::eval
