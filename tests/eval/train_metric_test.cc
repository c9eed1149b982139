// The train metric's plumbing: what it hands the trainer and what it makes of the answer. The
// trainer itself (libtorch, in the plugin) is tested in tests/train and end to end by the CLI
// test of a search that trains (tests/cli); here a trainer function records its jobs.
#include "hwnas/eval/train_metric.h"

#include <mutex>

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/eval/trainer_service.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/ir/stats.h"

namespace hwnas::eval {
namespace {

using namespace hwnas::exp::testing;

std::mutex jobs_mutex;
std::vector<TrainJob> jobs;

// Accuracy = epochs trained + MACs in millions / 1000, test = validation - 1: values the test
// can compute independently for any job.
TrainOutcome recording_trainer(const TrainJob& job) {
  std::lock_guard lock(jobs_mutex);
  jobs.push_back(job);
  const int epochs = job.epochs > 0 ? job.epochs : job.options.value("epochs", 3);
  const double v = epochs + static_cast<double>(ir::compute_stats(job.graph).macs) / 1e9;
  // Detector figures: val_map50 = v / 100, map50 = that - 0.01, map = half of map50.
  return {.top1 = v - 1,
          .val_top1 = v,
          .val_map50 = v / 100,
          .map50 = v / 100 - 0.01,
          .map = (v / 100 - 0.01) / 2,
          .epochs = epochs,
          .seconds = 0.5,
          .trainer = "recording"};
}

std::string yaml(const std::string& metric) {
  return fmt::format(
      "name: t\nspace: nb201\nmetrics:\n  accuracy: {}\n"
      "objectives: [{{metric: accuracy, goal: max}}]\nbudget: {{trials: 2}}\noutput: out\n",
      metric);
}

exp::Experiment build(const std::string& text) {
  const auto dir = hwnas::testing::temp_dir();
  return exp::build_experiment(exp::load_config(write_experiment(dir, text)));
}

TEST(TrainMetric, HandsTheTrainerTheDecodedGraphTheResolvedDatasetAndTheOptions) {
  register_trainer(&recording_trainer);
  jobs.clear();
  const exp::Experiment e =
      build(yaml("{train: {dataset: fashion-mnist:data/fmnist, epochs: 4, lr: 0.1, optimizer: adam, augment: false}}"));
  const Metric& m = e.metric("accuracy");
  EXPECT_EQ(m.cost(), CostClass::Expensive);
  EXPECT_TRUE(m.has_fidelity());
  EXPECT_EQ(m.source(),
            fmt::format("trained (hwnas trainer, libtorch; 4 epochs on fashion-mnist:{}; validation top-1)",
                        (std::filesystem::path(e.config.source.file()).parent_path() / "data/fmnist").string()));

  const space::Arch arch = e.space->parse(kBestArch);
  const double macs_m = static_cast<double>(ir::compute_stats(e.space->decode(arch)).macs) / 1e9;
  EXPECT_DOUBLE_EQ(m.evaluate(arch, kBestArch), 4 + macs_m);          // the configured epochs
  EXPECT_DOUBLE_EQ(m.evaluate_at(arch, kBestArch, 12), 12 + macs_m);  // a rung's
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].graph, e.space->decode(arch));
  EXPECT_EQ(jobs[0].dataset,
            "fashion-mnist:" + (std::filesystem::path(e.config.source.file()).parent_path() / "data/fmnist").string());
  EXPECT_EQ(jobs[0].options,
            nlohmann::json::parse(R"({"epochs": 4, "lr": 0.1, "optimizer": "adam", "augment": false})"));
  EXPECT_EQ(jobs[0].epochs, 0);
  EXPECT_EQ(jobs[1].epochs, 12);
  // Kept models: one folder per arch and epochs, under the output folder.
  const auto& tm = dynamic_cast<const TrainMetric&>(m);
  EXPECT_EQ(jobs[0].out, tm.model_folder(kBestArch, 4));
  EXPECT_EQ(jobs[1].out, tm.model_folder(kBestArch, 12));
  EXPECT_EQ(tm.model_folder(kBestArch, 0), tm.model_folder(kBestArch, 4));  // 0: the configured epochs
  EXPECT_EQ(jobs[0].out.filename().string().substr(16), "-e4");
  EXPECT_EQ(jobs[0].out.parent_path(), e.config.output / "models");
  EXPECT_NE(tm.model_folder(kBestArch, 4), tm.model_folder("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", 4));
}

TEST(TrainMetric, ValueTop1IsTheTestAccuracy) {
  register_trainer(&recording_trainer);
  const exp::Experiment e = build(yaml("{train: {dataset: cifar10:c10, epochs: 2}, value: top1}"));
  const space::Arch arch = e.space->parse(kBestArch);
  const double macs_m = static_cast<double>(ir::compute_stats(e.space->decode(arch)).macs) / 1e9;
  EXPECT_DOUBLE_EQ(e.metric("accuracy").evaluate(arch, kBestArch), 2 + macs_m - 1);
  EXPECT_NE(e.metric("accuracy").fingerprint(),
            build(yaml("{train: {dataset: cifar10:c10, epochs: 2}}")).metric("accuracy").fingerprint());
}

TEST(TrainMetric, CocoDataIsJudgedByMapValidationByDefault) {
  register_trainer(&recording_trainer);
  const auto value = [](const std::string& v) {
    const exp::Experiment e = build(yaml("{train: {dataset: coco:inspect, epochs: 2}" + v + "}"));
    const space::Arch arch = e.space->parse(kBestArch);
    return e.metric("accuracy").evaluate(arch, kBestArch);
  };
  const exp::Experiment e = build(yaml("{train: {dataset: coco:inspect, epochs: 2}}"));
  const double v = 2 + static_cast<double>(ir::compute_stats(e.space->decode(e.space->parse(kBestArch))).macs) / 1e9;
  EXPECT_DOUBLE_EQ(value(""), v / 100);  // val_map50
  EXPECT_DOUBLE_EQ(value(", value: map50"), v / 100 - 0.01);
  EXPECT_DOUBLE_EQ(value(", value: map"), (v / 100 - 0.01) / 2);
  EXPECT_NE(e.metric("accuracy").source().find("validation mAP@0.5"), std::string::npos);
  EXPECT_HWNAS_ERROR(build(yaml("{train: {dataset: coco:inspect}, value: top1}")),
                     "'top1' is a classifier's accuracy, but coco:");
  EXPECT_HWNAS_ERROR(build(yaml("{train: {dataset: cifar10:c10}, value: map50}")),
                     "'map50' is a detector's mAP, but cifar10:");
}

TEST(TrainMetric, BadDefinitionsAreLocatedErrors) {
  EXPECT_HWNAS_ERROR(build(yaml("{train: {epochs: 2}}")), "metrics.accuracy.train: needs 'dataset: <kind>:<path>'");
  EXPECT_HWNAS_ERROR(build(yaml("{train: {dataset: fmnist}}")),
                     "metrics.accuracy.train.dataset: 'fmnist' is not <kind>:<path>");
  EXPECT_HWNAS_ERROR(build(yaml("{train: {dataset: a:b, lr: [1, 2]}}")),
                     "metrics.accuracy.train.lr: must be a single value");
  EXPECT_HWNAS_ERROR(build(yaml("{train: {dataset: a:b}, value: acc}")), "metrics.accuracy.value: 'acc': use val_top1");
  EXPECT_HWNAS_ERROR(build(yaml("{train: {dataset: a:b}, epochs: 3}")), "metrics.accuracy.epochs: unknown key");
}

TEST(TrainMetric, WithoutATrainerTheErrorSaysWhereTrainingRuns) {
  register_trainer(nullptr);
  const exp::Experiment e = build(yaml("{train: {dataset: a:b}}"));
  const space::Arch arch = e.space->parse(kBestArch);
  EXPECT_HWNAS_ERROR(e.metric("accuracy").evaluate(arch, kBestArch), "training runs in the hwnas CLI");
}

}  // namespace
}  // namespace hwnas::eval
