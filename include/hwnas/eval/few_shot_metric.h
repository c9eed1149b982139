#pragma once
// eval::FewShotMetric: latency predicted by a few-shot prior model (cost/few_shot_prior.h, the
// model.json `hwnas predictor fit --prior` writes). The model is one device already, so the
// metric takes no device; it checks that the model was fitted on the experiment's space.
// Cheap by default: a prediction is one dot product over the architecture's features (their
// live part decodes the graph once per new architecture).
//
//   metrics:
//     latency_ms: {model: few_shot, predictor: edgegpu.json}
//
//   eval::FewShotMetric m("latency_ms", eval::CostClass::Cheap, "edgegpu.json", space);
//   m.evaluate(arch, arch_str);  // 5.8, as `hwnas predict --predictor edgegpu.json` says
//   m.source();  // "predicted (few-shot prior model edgegpu.json: 10 measurements of
//                //  edgegpu_latency_ms, prior raspi4_latency_ms, ...)"
//
// Thread-safe: the features' cache (cost::ArchFeatures) is not, so a mutex guards it.
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include <yaml-cpp/yaml.h>

#include "hwnas/cost/few_shot_prior.h"
#include "hwnas/eval/metric.h"

namespace hwnas::eval {

class FewShotMetric : public Metric {
 public:
  // Throws hwnas::Error naming `file` when it cannot be read, is not a few-shot model file, or
  // was fitted on another space than `space` (both spaces named).
  FewShotMetric(std::string name, CostClass cost, const std::filesystem::path& file,
                std::shared_ptr<const space::SearchSpace> space);

  std::string source() const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;

 private:
  std::filesystem::path file_;
  cost::FewShotModel model_;
  std::shared_ptr<const space::SearchSpace> space_;  // shared: a timed-out trial may outlive the run
  mutable std::mutex mutex_;                         // guards features_
  mutable std::unique_ptr<cost::ArchFeatures> features_;
};

// The `{model: few_shot, predictor: F, cost: ...}` entry of an experiment's metrics (F relative
// to the experiment file); make_metric() dispatches here.
std::unique_ptr<Metric> make_few_shot_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                             const MetricContext& ctx);

}  // namespace hwnas::eval
