#include "hwnas/exp/metric.h"

#include <gtest/gtest.h>

#include "exp_testing.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/experiment.h"

namespace hwnas::exp {
namespace {

using namespace testing;

Experiment build(const std::string& text, const std::vector<std::string>& sets = {}) {
  const auto dir = hwnas::testing::temp_dir();
  return build_experiment(load_config(write_experiment(dir, text), sets));
}

TEST(Metric, BuildsTheTableMetricsOfAnExperiment) {
  const Experiment e = build(nb201_yaml());
  ASSERT_EQ(e.metrics.size(), 2u);
  EXPECT_EQ(e.metric("accuracy").cost(), CostClass::Expensive);  // the default for tables
  EXPECT_EQ(e.metric("latency_ms").cost(), CostClass::Cheap);
  EXPECT_EQ(e.metric("latency_ms").source(), "looked up (table nb201_latency.csv:raspi4_latency_ms)");
  EXPECT_HWNAS_ERROR(e.metric("energy"), "no metric named 'energy'");
}

TEST(Metric, ErrorsNameTheExperimentFileLineAndKey) {
  // metrics.accuracy is on line 4 of nb201_yaml().
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.accuracy.column=test_acc"}),
                     "--set metrics.accuracy.column: ");
  try {
    build(nb201_yaml(), {"metrics.accuracy.column=test_acc"});
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("has no column 'test_acc' (the value); its columns are"), std::string::npos);
  }
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.accuracy.key=arch"}), "--set metrics.accuracy.key: ");
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.accuracy.table=/nonexistent.csv"}),
                     "--set metrics.accuracy.table: no such file: /nonexistent.csv");
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.accuracy.cost=free"}),
                     "metrics.accuracy.cost: 'free' is not a cost class; use cheap or expensive");
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.accuracy.colum=x"}),
                     "metrics.accuracy.colum: unknown key (did you mean 'column'?)");
}

TEST(Metric, AnArchThatDoesNotParseNamesTheCsvLineAndTheExperimentKey) {
  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "bad.csv", std::string("arch_str,acc\n") + kBestArch + ",1\n|conv_9x9~0|,2\n");
  const auto file = write_experiment(dir, nb201_yaml());
  try {
    build_experiment(load_config(file, {"metrics.latency_ms.table=" + (dir / "bad.csv").string(),
                                        "metrics.latency_ms.column=acc"}));
    ADD_FAILURE() << "expected an error";
  } catch (const Error& err) {
    EXPECT_NE(err.where().find("--set metrics.latency_ms.table"), std::string::npos) << err.what();
    EXPECT_NE(err.where().find("bad.csv:3"), std::string::npos) << err.what();
    EXPECT_NE(err.message().find("arch '|conv_9x9~0|' does not parse in space nb201"), std::string::npos) << err.what();
  }
}

TEST(Metric, LaterKindsSayTheyAreNotAvailableYet) {
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.latency_ms={model: roofline, device: raspi4}"}),
                     "--set metrics.latency_ms.model: cost-model metrics are not available yet");
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.latency_ms={memory: peak_sram_kib, device: m7}"}),
                     "metrics.latency_ms.memory: memory metrics are not available yet");
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.latency_ms={column: x}"}), "a metric needs one of 'table:'");
}

TEST(Metric, AnUnknownSpaceNamesTheKey) {
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"space=nb301"}), "--set space: ");
}

}  // namespace
}  // namespace hwnas::exp

namespace hwnas::exp {
namespace {

// Every example experiment builds (tables pointed at the shared data wherever it is).
TEST(Examples, EveryExampleFileBuilds) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(hwnas::testing::source_dir() / "examples")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const ExperimentConfig plain = load_config(entry.path());
    std::vector<std::string> sets;
    for (const auto& m : plain.metrics)
      if (m.node["table"])
        sets.push_back(m.path + ".table=" +
                       (hwnas::testing::shared_data() / "nb201" /
                        std::filesystem::path(m.node["table"].Scalar()).filename()).string());
    const Experiment e = build_experiment(load_config(entry.path(), sets));
    EXPECT_FALSE(e.metrics.empty());
    ++n;
  }
  EXPECT_GE(n, 1);
}

}  // namespace
}  // namespace hwnas::exp
