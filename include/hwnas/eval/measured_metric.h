#pragma once
// eval::MeasuredMetric: latency measured on this host (measure/measure_model.h: the timing
// protocol, pinned, seeded weights), the ground truth beside a prediction when comparing a few
// existing models. Expensive by default: a measurement takes seconds, and two measured at once
// on the same cores disturb each other, so run such experiments with one worker.
//
//   metrics:
//     host_ms: {measure: latency_ms, backend: xnnpack, threads: 1, runs: 20, budget_s: 5}
//
//   eval::MeasuredMetric m("host_ms", eval::CostClass::Expensive, options, space);
//   m.evaluate(arch, s);     // the median in ms
//   m.source_for(s);         // "measured (xnnpack on this host, f32, 1 thread, 20 runs, p10-p90 3.1-3.4 ms)"
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "hwnas/eval/metric.h"
#include "hwnas/measure/measure_model.h"

namespace hwnas::eval {

class MeasuredMetric : public Metric {
 public:
  MeasuredMetric(std::string name, CostClass cost, measure::MeasureOptions options,
                 std::shared_ptr<const space::SearchSpace> space);

  std::string source() const override;
  std::string source_for(const std::string& arch_str) const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;

 private:
  measure::MeasureOptions options_;
  std::shared_ptr<const space::SearchSpace> space_;
  mutable std::mutex mutex_;                         // guards done_
  mutable std::map<std::string, std::string> done_;  // arch -> how it was measured
};

}  // namespace hwnas::eval
