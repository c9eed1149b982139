#pragma once
// Test fixtures of the exp module: the NB201 tables, experiment files written on the fly and
// metrics made from a function (slow, failing or counting ones).
#include <atomic>
#include <functional>
#include <string>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/eval/metric.h"
#include "hwnas/exp/experiment.h"
#include "testing.h"

namespace hwnas::exp::testing {

inline std::string cifar10_csv() { return (hwnas::testing::shared_data() / "nb201/nb201_cifar10.csv").string(); }
inline std::string latency_csv() { return (hwnas::testing::shared_data() / "nb201/nb201_latency.csv").string(); }

// NB201 arch_index 6111, the best CIFAR-10 network (shared/data/README.md: 94.3733 %).
inline const char* kBestArch =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";

// The example experiment with absolute table paths and the given extra lines.
inline std::string nb201_yaml(const std::string& strategy = "random", int trials = 20, const std::string& extra = "") {
  return fmt::format(
      "name: test\n"
      "space: nb201\n"
      "metrics:\n"
      "  accuracy:   {{table: {}, key: arch_str, column: test_acc_200ep}}\n"
      "  latency_ms: {{table: {}, key: arch_str, column: raspi4_latency_ms, cost: cheap}}\n"
      "objectives: [{{metric: accuracy, goal: max}}, {{metric: latency_ms, goal: min}}]\n"
      "constraints: [{{metric: latency_ms, max: 20.0}}]\n"
      "strategy: {{name: {}, seed: 1}}\n"
      "budget: {{trials: {}}}\n"
      "workers: 2\n"
      "output: out\n"
      "{}",
      cifar10_csv(), latency_csv(), strategy, trials, extra);
}

// Writes `text` as <dir>/exp.yaml and returns its path.
inline std::filesystem::path write_experiment(const std::filesystem::path& dir, const std::string& text) {
  const auto file = dir / "exp.yaml";
  write_file_atomic(file, text);
  return file;
}

class FnMetric : public eval::Metric {
 public:
  using Fn = std::function<double(const std::string& arch_str)>;
  FnMetric(std::string name, eval::CostClass cost, Fn fn, std::string fingerprint = "fn")
      : eval::Metric(std::move(name), cost), fn_(std::move(fn)), fingerprint_(std::move(fingerprint)) {}
  std::string source() const override { return "computed (test function)"; }
  std::string fingerprint() const override { return fingerprint_; }
  double evaluate(const space::Arch&, const std::string& arch_str) const override { return fn_(arch_str); }

 private:
  Fn fn_;
  std::string fingerprint_;
};

// Replaces metric `name` of an experiment by `fn` (same name, cost class and fingerprint:
// it stands in for the same figures, so a run with it may resume a run without it).
inline void replace_metric(Experiment& e, const std::string& name, FnMetric::Fn fn) {
  for (auto& m : e.metrics)
    if (m->name() == name) m = std::make_shared<FnMetric>(name, m->cost(), std::move(fn), m->fingerprint());
}

}  // namespace hwnas::exp::testing
