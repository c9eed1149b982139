#include "hwnas/report/experiment_output.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "nb201_run_fixture.h"
#include "testing.h"

namespace hwnas::report {
namespace {

namespace fs = std::filesystem;
using hwnas::testing::temp_dir;
using testing::write_nb201_run;

std::vector<int64_t> ids(const ExperimentOutput& out, const std::vector<size_t>& indices) {
  std::vector<int64_t> v;
  for (size_t i : indices) v.push_back(out.trials[i].id);
  return v;
}

TEST(ExperimentOutput, ReadsEveryFileOfARun) {
  const auto run = write_nb201_run(temp_dir());
  const ExperimentOutput out = load_experiment_output(run.dir);
  EXPECT_EQ(out.name, "nb201-raspi4");
  EXPECT_EQ(out.space, "nb201");
  EXPECT_EQ(out.strategy, "evolution (seed: 1, population: 50)");
  EXPECT_EQ(out.budget_trials, 300);
  EXPECT_EQ(out.metrics, (std::vector<std::string>{"accuracy", "latency_ms", "flops_M"}));
  ASSERT_EQ(out.objectives.size(), 2u);
  EXPECT_TRUE(out.objectives[0].maximize);
  EXPECT_FALSE(out.objectives[1].maximize);
  ASSERT_EQ(out.constraints.size(), 2u);
  EXPECT_EQ(out.constraints[0].describe(), "latency_ms <= 30 (hard)");
  EXPECT_EQ(out.constraints[1].soft_weight, 0.01);

  ASSERT_EQ(out.trials.size(), 300u);
  EXPECT_EQ(out.count(search::TrialStatus::Ok), run.count("ok"));
  EXPECT_EQ(out.count(search::TrialStatus::Failed), 6);  // ids 50, 100, ..., 300
  EXPECT_EQ(out.count(search::TrialStatus::Infeasible), run.count("infeasible"));
  const search::Trial& t = out.trials[41];
  EXPECT_EQ(t.id, 42);
  EXPECT_EQ(t.arch_str, run.by_id(42).arch);
  EXPECT_EQ(t.metrics.at("accuracy"), run.by_id(42).accuracy);  // round-trips exactly
  EXPECT_TRUE(out.trials[49].metrics.empty());                  // failed: empty cells
  EXPECT_EQ(out.trials[49].error, "evaluation timed out after 60 s");

  EXPECT_TRUE(out.front_from_file);
  EXPECT_EQ(ids(out, out.front), run.front);
  ASSERT_TRUE(out.best_index(0));
  EXPECT_EQ(out.trials[*out.best_index(0)].id, run.best_accuracy_id);
  EXPECT_EQ(out.trials[*out.best_index(1)].id, run.best_latency_id);
  EXPECT_EQ(out.skipped, 0);
  EXPECT_EQ(out.sources.at("latency_ms"), "looked up (table nb201_latency.csv:raspi4_latency_ms)");
  EXPECT_EQ(out.cost.at("flops_M"), "cheap");
  EXPECT_EQ(out.files_read, (std::vector<std::string>{"trials.csv (300 rows)",
                                                      "pareto.csv (" + std::to_string(run.front.size()) + " rows)",
                                                      "best.json", "experiment.yaml"}));
}

TEST(ExperimentOutput, ARunningSearchWithoutFrontOrBestStillLoads) {
  const auto run = write_nb201_run(temp_dir(), 120);
  fs::remove(run.dir / "pareto.csv");
  fs::remove(run.dir / "best.json");
  const ExperimentOutput out = load_experiment_output(run.dir);
  EXPECT_FALSE(out.front_from_file);
  EXPECT_EQ(ids(out, out.front), run.front);  // computed here == the fixture's brute force
  // Without best.json: the most accurate ok trial, penalties not known.
  int64_t most_accurate = -1;
  for (const auto& f : run.trials)
    if (f.status == "ok" && (most_accurate < 0 || f.accuracy > run.by_id(most_accurate).accuracy)) most_accurate = f.id;
  EXPECT_EQ(out.trials[*out.best_index(0)].id, most_accurate);
  EXPECT_EQ(
      out.sources.at("accuracy"),
      "defined in experiment.yaml as table: /data/nb201/nb201_cifar10.csv, key: arch_str, column: test_acc_200ep");
  EXPECT_FALSE(out.skipped);
}

// A small hand-written run folder for the error cases.
fs::path write_run(const std::string& yaml, const std::string& trials) {
  const fs::path dir = temp_dir();
  if (!yaml.empty()) write_file_atomic(dir / "experiment.yaml", yaml);
  if (!trials.empty()) write_file_atomic(dir / "trials.csv", trials);
  return dir;
}

const std::string kYaml = "name: t\nobjectives: [{metric: acc, goal: max}, {metric: lat_ms, goal: min}]\n";
const std::string kHeader = "id,arch,acc,lat_ms,status,penalty,seconds,error\n";

TEST(ExperimentOutput, MissingFolderOrFilesAreNamed) {
  EXPECT_HWNAS_ERROR(load_experiment_output("/nonexistent/run"), "/nonexistent/run: no such directory");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run(kYaml, "")), "trials.csv: no such file");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run("", kHeader)), "experiment.yaml: no such file");
}

TEST(ExperimentOutput, BadExperimentYamlNamesFileLineAndKey) {
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run("name: [x\n", kHeader)), "experiment.yaml:2: not valid YAML");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run("name: t\n", kHeader)), "no objectives");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run("objectives:\n  - {metric: acc, goal: up}\n", kHeader)),
                     "experiment.yaml:2: objectives[0].goal: expected max or min, got 'up'");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run("objectives:\n  - {metric: accuracy, goal: max}\n", kHeader)),
                     "experiment.yaml: objectives[0].metric: metric 'accuracy' is not a column of trials.csv "
                     "(metrics: acc, lat_ms)");
  EXPECT_HWNAS_ERROR(load_experiment_output(
                         write_run(kYaml + "constraints: [{metric: lat_ms, max: 5, min: 1}]\n", kHeader)),
                     "constraints[0]: expected exactly one of max: or min:");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run(kYaml + "constraints: [{metric: lat_ms, max: fast}]\n", kHeader)),
                     "constraints[0].max: expected a number, got 'fast'");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run(kYaml + "budget: {trials: many}\n", kHeader)),
                     "budget.trials: expected an integer, got 'many'");
}

TEST(ExperimentOutput, BadTrialsCsvNamesFileAndLine) {
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run(kYaml, "id,arch,acc,lat_ms,penalty,seconds,error\n")),
                     "no column 'status'");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run(kYaml, kHeader + "1,a,90,5,ok,0,1,\n2,b,91,6,done,0,1,\n")),
                     "trials.csv:3: status 'done' is not ok, failed, infeasible or pruned");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run(kYaml, kHeader + "1.5,a,90,5,ok,0,1,\n")),
                     "trials.csv:2: trial id '1.5' is not an integer");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run(kYaml, kHeader + "1,a,90,,ok,0,1,\n")),
                     "trials.csv:2: trial 1 is ok but has no value for objective 'lat_ms'");
  EXPECT_HWNAS_ERROR(load_experiment_output(write_run(kYaml, kHeader + "1,a,ninety,5,ok,0,1,\n")),
                     "column 'acc': 'ninety' is not a number");
}

TEST(ExperimentOutput, FrontAndBestMustReferToTrialsOfTheRun) {
  const std::string trials = kHeader + "1,a,90,5,ok,0,1,\n2,b,91,6,ok,0,1,\n";
  fs::path dir = write_run(kYaml, trials);
  write_file_atomic(dir / "pareto.csv", kHeader + "1,a,90,5,ok,0,1,\n7,z,95,1,ok,0,1,\n");
  EXPECT_HWNAS_ERROR(load_experiment_output(dir), "pareto.csv:3: trial id 7 is not in trials.csv");
  fs::remove(dir / "pareto.csv");
  write_file_atomic(dir / "best.json", "{\"best\": {\"acc\": ");
  EXPECT_HWNAS_ERROR(load_experiment_output(dir), "best.json: not valid JSON");
  write_file_atomic(dir / "best.json", "{\"best\": {\"acc\": {\"id\": \"one\"}}}");
  EXPECT_HWNAS_ERROR(load_experiment_output(dir), "best.json: unexpected structure");
  write_file_atomic(dir / "best.json", "{\"best\": {\"acc\": {\"id\": 9}}}");
  EXPECT_HWNAS_ERROR(load_experiment_output(dir), "best.json: best.acc: trial id 9 is not in trials.csv");
}

}  // namespace
}  // namespace hwnas::report
