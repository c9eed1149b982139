// The report of a real search: the runner (exp::run_experiment) writes the output folder and
// the report reads it back, so a change in the runner's file formats breaks this test.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/exp/runner.h"
#include "hwnas/report/experiment_output.h"
#include "hwnas/report/html_report.h"
#include "hwnas/search/pareto.h"
#include "testing.h"
#include "xml_check.h"

namespace hwnas::report {
namespace {

TEST(RealRun, ReportReadsWhatTheRunnerWrites) {
  const auto dir = hwnas::testing::temp_dir();
  const auto nb201 = hwnas::testing::shared_data() / "nb201";
  write_file_atomic(dir / "exp.yaml", fmt::format(R"(name: nb201-raspi4-small
space: nb201
metrics:
  accuracy:   {{table: {0}/nb201_cifar10.csv, key: arch_str, column: test_acc_200ep}}
  latency_ms: {{table: {0}/nb201_latency.csv, key: arch_str, column: raspi4_latency_ms, cost: cheap}}
objectives: [{{metric: accuracy, goal: max}}, {{metric: latency_ms, goal: min}}]
constraints: [{{metric: latency_ms, max: 20.0}}]
strategy: {{name: random, seed: 3}}
budget: {{trials: 40}}
workers: 1
output: run
)",
                                                  nb201.string()));
  const exp::RunSummary summary = exp::run_experiment(exp::build_experiment(exp::load_config(dir / "exp.yaml")));

  const ExperimentOutput out = load_experiment_output(dir / "run");
  ASSERT_EQ(out.trials.size(), summary.trials.size());
  EXPECT_EQ(out.trials.size(), 40u);
  EXPECT_EQ(out.strategy, "random (seed: 3)");
  EXPECT_TRUE(out.front_from_file);
  // The front the runner wrote is the front of the trials it wrote.
  EXPECT_EQ(out.front, search::pareto_trials(out.trials, out.objectives));
  EXPECT_EQ(out.front, summary.front);
  EXPECT_EQ(out.skipped, summary.skipped);
  for (const auto& t : out.trials) EXPECT_LE(t.metrics.at("latency_ms"), 20.0);  // never cost a trial
  EXPECT_EQ(out.sources.at("accuracy"), "looked up (table nb201_cifar10.csv:test_acc_200ep)");
  EXPECT_EQ(out.cost.at("latency_ms"), "cheap");

  const std::string html = read_file(write_report(dir / "run"));
  const auto xml = testing::check_xml(html);
  ASSERT_EQ(xml.error, "");
  EXPECT_EQ(xml.all("svg").size(), 1u);
  EXPECT_NE(html.find(fmt::format(" · {} skipped on cheap metrics", *out.skipped)), std::string::npos);
}

}  // namespace
}  // namespace hwnas::report
