#pragma once
// eval::ModelMetric: a figure predicted by a latency cost model (cost/latency_model.h) on a
// device profile (hw/device.h): the latency in ms, the energy per inference in mJ
// (cost/energy.h), the frame rate the latency allows, or the average power at a target frame
// rate. Cheap by default: a prediction costs microseconds, so strategies may score any number
// of candidates with it.
//
//   metrics:
//     latency_ms: {model: roofline, device: pixel3-cpu, dtype: f32}
//     energy_mj:  {model: roofline, device: npu-generic, dtype: int8, value: energy_mj}
//     latency_k:  {model: kernel, device: host, predictor: predictors/host.json}
//     power_mw:   {model: roofline, device: npu-generic, value: power_mw, fps: 30}
//     fps:        {model: roofline, device: npu-generic, value: fps}     # constraint fps >= 30
//
// Detectors (graphs with "boxes" and "scores" outputs, cost/pre_post.h): every value counts the
// whole frame, the network plus the CPU's resize, box decoding, thresholding and NMS, unless
// `pipeline: false` (the network alone); `frame: [640, 480]` is the camera frame resized. A
// classifier's figures are its network's. power_mw = energy per frame x fps + idle power x idle
// share; when a frame takes longer than 1/fps it is the power at full occupancy (frames back to
// back, no idle), which is finite so that the separate fps constraint, not the power, rejects
// the architecture.
//
//   eval::ModelMetric m("latency_ms", eval::CostClass::Cheap, hw::load_device("raspi4"),
//                      {.kind = "roofline"}, ir::DType::f32, eval::ModelValue::LatencyMs, space);
//   m.evaluate(arch, arch_str);   // 12.3
//   m.source();                   // "predicted (roofline on raspi4, f32)"
//
// Latency and fps take the fast path (cost::ArchLatency: memoised per segment of the arch);
// energy needs the per-kernel breakdown, so it decodes the graph each time, and so does a
// model that is not additive over the arch's segments. Thread-safe.
#include <memory>
#include <mutex>
#include <string>

#include "hwnas/cost/arch_latency.h"
#include "hwnas/cost/latency_model.h"
#include "hwnas/cost/pre_post.h"
#include "hwnas/eval/metric.h"
#include "hwnas/hw/device.h"

namespace hwnas::eval {

enum class ModelValue { LatencyMs, EnergyMj, Fps, PowerMw };
std::string_view model_value_name(ModelValue v);  // "latency_ms", "energy_mj", "fps", "power_mw"
std::vector<std::string> model_value_names();

struct FrameOptions {
  double fps = 0;        // power_mw's target frame rate (required for it, unused by the others)
  bool pipeline = true;  // a detector's figures include its CPU pre/post-processing
  cost::PipelineOptions pre_post;
};

class ModelMetric : public Metric {
 public:
  // Throws hwnas::Error when the model cannot be built (unknown kind, a bad predictor file), or
  // for power_mw without a positive frame.fps.
  ModelMetric(std::string name, CostClass cost, hw::Device device, const cost::LatencyModelOptions& options,
              ir::DType dtype, ModelValue value, std::shared_ptr<const space::SearchSpace> space,
              FrameOptions frame = {});

  std::string source() const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;
  const hw::Device& device() const { return device_; }
  ModelValue value() const { return value_; }
  // Whether the figures include a detector's pre/post-processing (the space's graphs are
  // detectors, and pipeline is on).
  bool pipeline() const { return pipeline_; }

 private:
  hw::Device device_;
  std::unique_ptr<cost::LatencyModel> model_;
  ir::DType dtype_;
  ModelValue value_;
  FrameOptions frame_;
  bool pipeline_ = false;
  std::shared_ptr<const space::SearchSpace> space_;  // shared: a timed-out trial may outlive the run
  mutable std::mutex mutex_;                         // guards fast_ (not thread-safe itself)
  mutable std::unique_ptr<cost::ArchLatency> fast_;
};

}  // namespace hwnas::eval
