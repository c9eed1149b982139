#include "hwnas/eval/measured_metric.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/exp/experiment.h"
#include "testing.h"

namespace hwnas::eval {
namespace {

TEST(MeasuredMetric, MeasuresOnThisHostAndSaysHow) {
  const auto dir = hwnas::testing::temp_dir();
  const auto yaml = exp::testing::write_experiment(dir, R"(space: {models: [dscnn-s]}
metrics:
  host_ms: {measure: latency_ms, runs: 3, budget_s: 2}
objectives: [{metric: host_ms, goal: min}]
)");
  const exp::Experiment e = exp::build_experiment(exp::load_config(yaml));
  const Metric& m = e.metric("host_ms");
  EXPECT_EQ(m.cost(), CostClass::Expensive);
  EXPECT_EQ(m.source(), "measured (xnnpack on this host, f32, 1 thread, up to 3 runs or 2 s)");
  EXPECT_EQ(m.source_for("dscnn-s"), m.source());  // nothing measured yet
  EXPECT_GT(m.evaluate(e.space->parse("dscnn-s"), "dscnn-s"), 0);
  EXPECT_NE(m.source_for("dscnn-s").find("measured (xnnpack on this host, f32, 1 thread, 3 runs, p10-p90 "),
            std::string::npos)
      << m.source_for("dscnn-s");
}

TEST(MeasuredMetric, ErrorsNameTheKey) {
  const auto dir = hwnas::testing::temp_dir();
  const auto build = [&](const std::string& def) {
    return exp::build_experiment(
        exp::load_config(exp::testing::write_experiment(dir, "space: {models: [dscnn-s]}\nmetrics:\n  host_ms: " + def +
                                                                 "\nobjectives: [{metric: host_ms, goal: min}]\n")));
  };
  EXPECT_HWNAS_ERROR(build("{measure: energy_mj}"), "metrics.host_ms.measure: 'energy_mj' cannot be measured");
  EXPECT_HWNAS_ERROR(build("{measure: latency_ms, runs: 0}"), "metrics.host_ms.runs: must be at least 1");
  EXPECT_HWNAS_ERROR(build("{measure: latency_ms, budget_s: -1}"), "metrics.host_ms.budget_s: must be > 0 s");
}

}  // namespace
}  // namespace hwnas::eval
