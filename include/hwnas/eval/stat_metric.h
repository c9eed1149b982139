#pragma once
// eval::StatMetric: a count read off the decoded graph (ir/stats.h), with no device: the
// multiply-accumulates (DESIGN.md's `macs`, what NAS-Bench-201 calls FLOPs) or the
// parameters (as published tables count them), both in millions. Cheap by default. Useful as
// objectives where no accuracy figure exists (an mbconv search trading latency against
// capacity), or as constraints ("params_m <= 5").
//
//   metrics:
//     macs_m:   {stat: macs}
//     params_m: {stat: params}
//
//   eval::StatMetric m("params_m", eval::CostClass::Cheap, eval::StatValue::Params, space);
//   m.evaluate(arch, arch_str);   // 1.073 for NB201's best CIFAR-10 cell
//   m.source();                   // "computed (parameters of the graph, millions)"
#include <memory>
#include <string>
#include <vector>

#include "hwnas/eval/metric.h"

namespace hwnas::eval {

enum class StatValue { Macs, Params };
std::string_view stat_value_name(StatValue v);  // "macs", "params"
std::vector<std::string> stat_value_names();

class StatMetric : public Metric {
 public:
  StatMetric(std::string name, CostClass cost, StatValue value, std::shared_ptr<const space::SearchSpace> space);

  std::string source() const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;

 private:
  StatValue value_;
  std::shared_ptr<const space::SearchSpace> space_;  // shared: a timed-out trial may outlive the run
};

}  // namespace hwnas::eval
