#include "hwnas/exp/config.h"

#include <gtest/gtest.h>

#include "exp_testing.h"

namespace hwnas::exp {
namespace {

using testing::nb201_yaml;

ExperimentConfig parse(const std::string& text, const std::vector<std::string>& sets = {}) {
  return parse_config(text, "/tmp/exp/e.yaml", sets);
}

TEST(Config, ParsesTheIssueExample) {
  const auto c = parse(
      "name: nb201-raspi4\n"
      "space: nb201\n"
      "metrics:\n"
      "  accuracy:   {table: ../shared/data/nb201/nb201_cifar10.csv, key: arch_str, column: test_acc_200ep}\n"
      "  latency_ms: {table: ../shared/data/nb201/nb201_latency.csv, key: arch_str, column: raspi4_latency_ms, "
      "cost: cheap}\n"
      "objectives: [{metric: accuracy, goal: max}, {metric: latency_ms, goal: min}]\n"
      "constraints: [{metric: latency_ms, max: 20.0}]\n"
      "strategy: {name: auto, seed: 1}\n"
      "budget: {trials: 300}\n"
      "workers: 2\n"
      "output: runs/nb201-raspi4\n");
  EXPECT_EQ(c.name, "nb201-raspi4");
  EXPECT_EQ(c.space, "nb201");
  ASSERT_EQ(c.metrics.size(), 2u);
  EXPECT_EQ(c.metrics[0].name, "accuracy");  // file order
  EXPECT_EQ(c.metrics[1].name, "latency_ms");
  ASSERT_EQ(c.objectives.size(), 2u);
  EXPECT_TRUE(c.objectives[0].maximize);
  EXPECT_FALSE(c.objectives[1].maximize);
  ASSERT_EQ(c.constraints.size(), 1u);
  EXPECT_TRUE(c.constraints[0].is_max && c.constraints[0].hard());
  EXPECT_EQ(c.constraints[0].limit, 20.0);
  EXPECT_EQ(c.strategy.name, "auto");
  EXPECT_EQ(c.strategy.seed, 1u);
  EXPECT_EQ(c.budget_trials, 300);
  EXPECT_FALSE(c.budget_seconds);
  EXPECT_EQ(c.executor.kind, ExecutorConfig::Kind::Thread);
  EXPECT_EQ(c.executor.workers, 2);
  EXPECT_EQ(c.output, std::filesystem::path("/tmp/exp/runs/nb201-raspi4"));  // relative to the file
  EXPECT_EQ(c.executor.trial_timeout_s, 0);
}

TEST(Config, DefaultsAndStrategyParams) {
  const auto c = parse(
      "space: nb201\nmetrics: {a: {table: t.csv, key: k, column: c}}\n"
      "objectives: [{metric: a, goal: min}]\nstrategy: {name: evolution, population: 20}\n");
  EXPECT_EQ(c.name, "e");  // the file's stem
  EXPECT_EQ(c.budget_trials, 100);
  EXPECT_EQ(c.executor.kind, ExecutorConfig::Kind::Thread);
  EXPECT_EQ(c.executor.workers, 1);
  EXPECT_EQ(c.executor.trial_timeout_s, 0);
  EXPECT_EQ(c.output, std::filesystem::path("/tmp/exp/runs/e"));
  EXPECT_EQ(c.strategy.seed, 0u);
  EXPECT_EQ(c.strategy.params.at("population"), 20.0);
}

TEST(Config, SetOverridesAnyKeyAndSetPathsAreRelativeToTheCurrentDir) {
  const auto c = parse(nb201_yaml(), {"strategy.name=evolution", "budget.trials=100", "output=runs/x",
                                      "constraints.0.max=25", "budget.seconds=60"});
  EXPECT_EQ(c.strategy.name, "evolution");
  EXPECT_EQ(c.budget_trials, 100);
  EXPECT_EQ(c.budget_seconds, 60.0);
  EXPECT_EQ(c.constraints[0].limit, 25.0);
  EXPECT_EQ(c.output, std::filesystem::current_path() / "runs/x");
  const std::string yaml = c.effective_yaml();
  EXPECT_NE(yaml.find("evolution"), std::string::npos);
  EXPECT_NE(yaml.find((std::filesystem::current_path() / "runs/x").string()), std::string::npos);
}

TEST(Config, TheExecutorSectionAndTheOlderTopLevelKeys) {
  const std::string base =
      "space: nb201\nmetrics: {a: {table: t.csv, key: k, column: c}}\n"
      "objectives: [{metric: a, goal: min}]\n";
  auto c = parse(base + "executor: {kind: process, workers: 3, trial_timeout_s: 600}\n");
  EXPECT_EQ(c.executor.kind, ExecutorConfig::Kind::Process);
  EXPECT_EQ(c.executor.workers, 3);
  EXPECT_EQ(c.executor.trial_timeout_s, 600);
  c = parse(base + "workers: 4\ntrial_timeout_s: 9\n", {"executor.kind=process"});
  EXPECT_EQ(c.executor.kind, ExecutorConfig::Kind::Process);
  EXPECT_EQ(c.executor.workers, 4);
  EXPECT_EQ(c.executor.trial_timeout_s, 9);
  EXPECT_HWNAS_ERROR(parse(base + "executor: {kind: mpi}\n"),
                     "/tmp/exp/e.yaml:4: executor.kind: 'mpi': use thread (worker threads) or process");
  EXPECT_HWNAS_ERROR(parse(base + "workers: 2\nexecutor: {workers: 3}\n"),
                     "executor.workers: given twice: here and as the top-level 'workers:'");
  EXPECT_HWNAS_ERROR(parse(base + "executor: {wokers: 3}\n"), "executor.wokers: unknown key (did you mean 'workers'?)");
  EXPECT_HWNAS_ERROR(parse(base, {"executor.workers=0"}), "--set executor.workers: must be between 1 and 256");
  EXPECT_HWNAS_ERROR(parse(base, {"executor.trial_timeout_s=-1"}), "--set executor.trial_timeout_s: must be >= 0");
}

TEST(Config, SoftConstraints) {
  const auto c = parse(nb201_yaml("random", 5, ""), {"constraints.0.soft=0.5"});
  EXPECT_FALSE(c.constraints[0].hard());
  EXPECT_EQ(c.constraints[0].soft_weight, 0.5);
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"constraints.0.soft=0"}),
                     "--set constraints.0.soft: the penalty weight must be > 0");
}

// Each kind of bad file gives an error naming the file, the line and the key.
TEST(Config, UnknownKeyWithSuggestion) {
  EXPECT_HWNAS_ERROR(parse(nb201_yaml("random", 5, "wokers: 3\n")),
                     "/tmp/exp/e.yaml:12: wokers: unknown key (did you mean 'workers'?)");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"budget.trails=3"}),
                     "--set budget.trails: unknown key (did you mean 'trials'?)");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"objectives.0.gaol=max"}),
                     "objectives.0.gaol: unknown key (did you mean 'goal'?)");
}

// Found by fuzz/experiment_yaml_fuzzer.cc: yaml-cpp's TypedBadConversion escaped from a metric
// or strategy key that is a list.
TEST(Config, MetricAndStrategyKeysMustBeNames) {
  EXPECT_HWNAS_ERROR(parse("space: nb201\nmetrics:\n  ? [x]\n  : {stat: macs}\nobjectives: [{metric: x, goal: min}]\n"),
                     "/tmp/exp/e.yaml:3: metrics: a key is a list; keys are names");
  EXPECT_HWNAS_ERROR(
      parse("space: nb201\nmetrics: {x: {stat: macs}}\nobjectives: [{metric: x, goal: min}]\nstrategy: {[seed]: 1}\n"),
      "strategy: a key is a list");
}

TEST(Config, WrongTypes) {
  EXPECT_HWNAS_ERROR(parse(nb201_yaml("random", 5, "trial_timeout_s: soon\n")),
                     "/tmp/exp/e.yaml:12: trial_timeout_s: expected a number, got 'soon'");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"workers=two"}), "--set workers: expected a whole number, got 'two'");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"metrics=[1]"}), "--set metrics: expected a map of key: value, got a list");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"objectives={a: 1}"}), "--set objectives: expected a list, got a map");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"strategy.seed=-1"}), "strategy.seed: the seed must be a whole number >= 0");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"budget.trials=0"}), "--set budget.trials: must be at least 1");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"strategy.population=big"}), "strategy.population: expected a number");
}

TEST(Config, ObjectiveOrConstraintOnAnUndefinedMetric) {
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"objectives.1.metric=latency"}),
                     "--set objectives.1.metric: 'latency' is not a metric defined under metrics: (did you mean "
                     "'latency_ms'?); defined: accuracy, latency_ms");
  // The constraint list is on line 7 of nb201_yaml().
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"constraints.0.max=3", "constraints.0.metric=energy"}),
                     "constraints.0.metric: 'energy' is not a metric defined");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"objectives.0.goal=maximum"}),
                     "objectives.0.goal: 'maximum': use max or min");
}

TEST(Config, MissingSectionsAndBadConstraints) {
  EXPECT_HWNAS_ERROR(parse("space: nb201\nmetrics: {a: {table: t.csv, key: k, column: c}}\n"),
                     "/tmp/exp/e.yaml:1: objectives: is required");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"constraints.0.min=1"}), "constraints.0: give exactly one of max: or min:");
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"objectives=[]"}), "objectives: give at least one objective");
}

TEST(Config, UnknownStrategyName) {
  EXPECT_HWNAS_ERROR(parse(nb201_yaml(), {"strategy.name=evolutoin"}),
                     "--set strategy.name: unknown strategy 'evolutoin' (did you mean 'evolution'?)");
}

TEST(Config, MissingFile) {
  EXPECT_HWNAS_ERROR(load_config("/nonexistent/e.yaml"), "/nonexistent/e.yaml: no such file");
}

}  // namespace
}  // namespace hwnas::exp

namespace hwnas::exp {
namespace {

const char* kModels =
    "space: {models: [dscnn-s, mobilenetv2-0.35]}\n"
    "metrics:\n"
    "  accuracy: {published: acc.csv}\n"
    "  latency_ms: {model: roofline, device: pixel3-cpu}\n"
    "objectives: [{metric: accuracy, goal: max}, {metric: latency_ms, goal: min}]\n";

TEST(Config, AListOfModelsIsASpaceComparedOncePerModel) {
  const auto c = parse_config(kModels, "/tmp/exp/e.yaml");
  EXPECT_EQ(c.models, (std::vector<std::string>{"dscnn-s", "mobilenetv2-0.35"}));
  EXPECT_TRUE(c.space.empty());
  EXPECT_EQ(c.budget_trials, 2);  // every model once
  ASSERT_TRUE(c.compare);         // implied by the list
  EXPECT_FALSE(c.compare->budget_ms);
  EXPECT_NE(c.effective_yaml().find("models:"), std::string::npos);
  EXPECT_EQ(parse_config(std::string(kModels) + "budget: {trials: 9}\n", "/tmp/exp/e.yaml").budget_trials, 9);
}

TEST(Config, ModelFilesNextToTheExperimentAreMadeAbsolute) {
  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "m.json", "{}");
  const auto c = parse_config(
      "space: {models: [m.json, dscnn-s]}\nmetrics: {a: {stat: macs}}\nobjectives: [{metric: a, goal: min}]\n",
      (dir / "e.yaml").string());
  EXPECT_EQ(c.models[0], (dir / "m.json").string());
  EXPECT_EQ(c.models[1], "dscnn-s");
}

TEST(Config, TheCompareSection) {
  const auto c =
      parse_config(std::string(kModels) + "compare: {latency: latency_ms, budget_ms: 25}\n", "/tmp/exp/e.yaml");
  EXPECT_EQ(c.compare->latency, "latency_ms");
  EXPECT_EQ(c.compare->budget_ms, 25.0);
  EXPECT_HWNAS_ERROR(parse_config(std::string(kModels) + "compare: {budget_ms: 0}\n", "/tmp/exp/e.yaml"),
                     "compare.budget_ms: must be > 0 ms");
  EXPECT_HWNAS_ERROR(parse_config(std::string(kModels) + "compare: {latency: lat}\n", "/tmp/exp/e.yaml"),
                     "'lat' is not a metric defined under metrics:");
  EXPECT_HWNAS_ERROR(
      parse_config("space: {model: [a]}\nmetrics: {a: {stat: macs}}\nobjectives: [{metric: a, goal: min}]\n",
                   "/tmp/exp/e.yaml"),
      "space");
}

}  // namespace
}  // namespace hwnas::exp
