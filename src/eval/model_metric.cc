#include "hwnas/eval/model_metric.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/cost/energy.h"

namespace hwnas::eval {
namespace {

constexpr ModelValue kValues[] = {ModelValue::LatencyMs, ModelValue::EnergyMj, ModelValue::Fps, ModelValue::PowerMw};

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
    case ModelValue::PowerMw:
      return "power_mw";
  }
  return "?";
}

std::vector<std::string> model_value_names() {
  std::vector<std::string> names;
  for (ModelValue v : kValues) names.emplace_back(model_value_name(v));
  return names;
}

ModelMetric::ModelMetric(std::string name, CostClass cost, hw::Device device, const cost::LatencyModelOptions& options,
                         ir::DType dtype, ModelValue value, std::shared_ptr<const space::SearchSpace> space,
                         FrameOptions frame)
    : Metric(std::move(name), cost),
      device_(std::move(device)),
      model_(cost::make_latency_model(options, device_)),
      dtype_(dtype),
      value_(value),
      frame_(std::move(frame)),
      space_(std::move(space)) {
  if (value_ == ModelValue::PowerMw && !(frame_.fps > 0))
    fail(this->name(), "power_mw is the average power at a frame rate: give a positive fps (e.g. fps: 30)");
  // A space's graphs share their outputs: its first architecture says whether they are
  // detectors (and so whether each evaluation must decode the graph for the CPU's part).
  if (frame_.pipeline) {
    const space::Arch first{std::vector<int>(space_->num_decisions(), 0)};
    pipeline_ = cost::detector_outputs(space_->decode(space_->canonical(first))).has_value();
  }
}

std::string ModelMetric::source() const {
  std::string what = inner(model_->source());
  if (pipeline_) {
    const cost::PipelineOptions& o = frame_.pre_post;
    what += fmt::format(
        " + CPU pre/post-processing estimated from the profile ({}x{} frame resize, box decoding, "
        "thresholding, NMS of up to {})",
        o.frame_width, o.frame_height, o.nms_candidates);
  }
  switch (value_) {
    case ModelValue::LatencyMs:
      return fmt::format("predicted ({}, {})", what, ir::dtype_name(dtype_));
    case ModelValue::EnergyMj:
      return fmt::format("predicted (energy: {} and {}'s power figures, {})", what, device_.name,
                         ir::dtype_name(dtype_));
    case ModelValue::Fps:
      return fmt::format("predicted (1000 / latency of {}, {})", what, ir::dtype_name(dtype_));
    case ModelValue::PowerMw:
      return fmt::format(
          "estimated (average power at {:g} FPS: energy per frame from {} and {}'s power figures, "
          "idle power between frames, full occupancy when a frame takes longer; {})",
          frame_.fps, what, device_.name, ir::dtype_name(dtype_));
  }
  return what;
}

std::string ModelMetric::fingerprint() const {
  // The model's fingerprint covers its device profile and predictor file; energy also reads
  // the profile's power figures, which it may not cover.
  // A detector's pipeline reads the CPU's rates and power, and its options change the figures.
  const bool reads_profile = value_ == ModelValue::EnergyMj || value_ == ModelValue::PowerMw || pipeline_;
  std::string s = fmt::format("{} {} {} {}", model_value_name(value_), ir::dtype_name(dtype_), model_->fingerprint(),
                              reads_profile ? hw::to_yaml(device_) : "");
  if (value_ == ModelValue::PowerMw) s += fmt::format(" fps={:g}", frame_.fps);
  if (pipeline_) {
    const cost::PipelineOptions& o = frame_.pre_post;
    s += fmt::format(" pipeline={}x{}x{},{}", o.frame_width, o.frame_height, o.frame_channels, o.nms_candidates);
  }
  return s;
}

double ModelMetric::evaluate(const space::Arch& arch, const std::string&) const {
  if (value_ == ModelValue::EnergyMj || value_ == ModelValue::PowerMw) {
    const ir::Graph g = space_->decode(arch);
    cost::Energy e = cost::estimate_energy(device_, model_->predict(g, dtype_));
    if (pipeline_) e = cost::frame_energy(e, cost::estimate_pre_post(device_, g, dtype_, frame_.pre_post));
    if (value_ == ModelValue::EnergyMj) return e.energy_mj;
    // A frame longer than 1/fps: the power of frames back to back (see the header).
    return cost::average_power_mw(device_, e, std::min(frame_.fps, e.max_fps));
  }
  double pre_post_ms = 0;
  if (pipeline_) pre_post_ms = cost::estimate_pre_post(device_, space_->decode(arch), dtype_, frame_.pre_post).ms;
  std::optional<double> ms;
  {
    std::lock_guard lock(mutex_);
    if (!fast_) fast_ = std::make_unique<cost::ArchLatency>(*space_, *model_, dtype_);
    if (fast_->why_slow().empty()) ms = fast_->ms(arch);
  }
  // A model the fast path cannot memoise: whole graphs, outside the lock, in parallel.
  if (!ms) ms = model_->predict_ms(space_->decode(arch), dtype_);
  *ms += pre_post_ms;
  return value_ == ModelValue::Fps ? 1000.0 / *ms : *ms;
}

}  // namespace hwnas::eval
