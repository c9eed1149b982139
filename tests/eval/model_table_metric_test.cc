#include "hwnas/eval/model_table_metric.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/core/files.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/target/model_list_space.h"
#include "testing.h"

namespace hwnas::eval {
namespace {

std::filesystem::path write(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  write_file_atomic(dir / name, text);
  return dir / name;
}

const char* kPublished =
    "model,top1,source\n"
    "dscnn-s,94.4,\"Zhang et al. 2017, Table 2\"\n"
    "dscnn-m,,\n"
    "efficientnet-b0,77.1,\"Tan & Le 2019, Table 2\"\n";

TEST(ModelTableMetric, LooksUpByModelWithTheRowsSource) {
  const auto f = write(hwnas::testing::temp_dir(), "acc.csv", kPublished);
  const ModelTableMetric m("accuracy", CostClass::Expensive, {.file = f});
  const target::ModelListSpace s({"efficientnet-b0", "dscnn-s"});
  EXPECT_DOUBLE_EQ(m.evaluate(s.parse("efficientnet-b0"), "efficientnet-b0"), 77.1);
  EXPECT_EQ(m.source(), "looked up (acc.csv:top1)");
  EXPECT_EQ(m.source_for("efficientnet-b0"), "looked up: Tan & Le 2019, Table 2 (acc.csv:4)");
  EXPECT_EQ(m.source_for("dscnn-s"), "looked up: Zhang et al. 2017, Table 2 (acc.csv:2)");
}

TEST(ModelTableMetric, MissingModelNamesTheModelAndTheFile) {
  const auto f = write(hwnas::testing::temp_dir(), "acc.csv", kPublished);
  const ModelTableMetric m("accuracy", CostClass::Expensive, {.file = f});
  EXPECT_HWNAS_ERROR(m.evaluate({{0}}, "mobilenetv2-1.0"),
                     "model 'mobilenetv2-1.0' is not in acc.csv (models there: dscnn-m, dscnn-s, efficientnet-b0)");
  EXPECT_HWNAS_ERROR(m.evaluate({{0}}, "dscnn-m"), "acc.csv:3 has no top1 for model 'dscnn-m' (the cell is empty)");
}

TEST(ModelTableMetric, MatchesAFileByItsStem) {
  const auto f = write(hwnas::testing::temp_dir(), "acc.csv", kPublished);
  const ModelTableMetric m("accuracy", CostClass::Expensive, {.file = f});
  EXPECT_DOUBLE_EQ(m.evaluate({{0}}, "/some/where/dscnn-s.json"), 94.4);
  EXPECT_EQ(model_table_key("runs/dscnn-s/"), "dscnn-s");
  EXPECT_EQ(model_table_key("mobilenetv2-1.0"), "mobilenetv2-1.0");
  EXPECT_EQ(model_table_key("m/effnet-b0.onnx"), "effnet-b0");
}

TEST(ModelTableMetric, MalformedTablesNameFileAndLine) {
  const auto dir = hwnas::testing::temp_dir();
  EXPECT_HWNAS_ERROR(ModelTableMetric("a", CostClass::Expensive,
                                      {.file = write(dir, "x.csv", "model,top1\nb0,fast\n")}),
                     "x.csv:2");
  EXPECT_HWNAS_ERROR(ModelTableMetric("a", CostClass::Expensive,
                                      {.file = write(dir, "y.csv", "model,top1\nb0,1\nb0,2\n")}),
                     "y.csv:3: model 'b0' has a row already (line 2)");
  EXPECT_HWNAS_ERROR(ModelTableMetric("a", CostClass::Expensive, {.file = write(dir, "z.csv", "name,top1\nb0,1\n")}),
                     "model");
}

// The CSV `hwnas measurements import` writes: arch,latency_ms,...,source.
const char* kPhone =
    "arch,latency_ms,std_ms,runs,source\n"
    "dscnn-s,1.5,0.1,50,\"measured (TFLite benchmark_model on pixel7, 50 runs, std 0.1 ms)\"\n";

TEST(ModelTableMetric, MeasurementsFallBackOnlyWhenAsked) {
  const auto dir = hwnas::testing::temp_dir();
  const auto yaml = exp::testing::write_experiment(dir, fmt::format(R"(space: {{models: [dscnn-s, dscnn-m]}}
metrics:
  phone_ms: {{measurements: {}, fallback: {{model: roofline, device: pixel3-cpu}}}}
objectives: [{{metric: phone_ms, goal: min}}]
)",
                                                                    write(dir, "phone.csv", kPhone).string()));
  const exp::Experiment e = exp::build_experiment(exp::load_config(yaml));
  const Metric& m = e.metric("phone_ms");
  EXPECT_DOUBLE_EQ(m.evaluate(e.space->parse("dscnn-s"), "dscnn-s"), 1.5);
  EXPECT_EQ(m.source_for("dscnn-s"), "measured (TFLite benchmark_model on pixel7, 50 runs, std 0.1 ms) [phone.csv:2]");
  EXPECT_GT(m.evaluate(e.space->parse("dscnn-m"), "dscnn-m"), 0);
  EXPECT_EQ(m.source_for("dscnn-m"), "predicted (roofline on pixel3-cpu, f32) (not in phone.csv)");
  // Without a fallback, the list of models is checked when the experiment is built.
  EXPECT_HWNAS_ERROR(
      exp::build_experiment(
          exp::load_config(yaml, {"metrics.phone_ms={measurements: " + (dir / "phone.csv").string() + "}"})),
      "metrics.phone_ms.measurements: phone_ms: model 'dscnn-m' is not in phone.csv (models there: dscnn-s)");
}

}  // namespace
}  // namespace hwnas::eval
