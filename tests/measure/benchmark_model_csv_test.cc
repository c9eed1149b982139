#include "hwnas/measure/benchmark_model_csv.h"

#include <gtest/gtest.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

std::vector<BenchmarkRun> fixture(const std::string& name) {
  return parse_benchmark_model_log(
      read_file(testing::source_dir() / "tests/measure/benchmark_model_logs" / name), name);
}

TEST(BenchmarkModelCsv, RowsReadBackWithTheColumnsPredictorFitReads) {
  std::vector<BenchmarkRun> runs = fixture("tflite_2.14_info.txt");
  for (BenchmarkRun& r : fixture("two_models_nnapi.txt")) runs.push_back(r);
  const core::CsvTable t = core::parse_csv(benchmark_runs_csv(runs, "pixel7"), "phone.csv");
  EXPECT_EQ(t.header, benchmark_runs_columns());
  EXPECT_EQ(t.header[0], "arch");  // predictor fit's default --arch-column
  EXPECT_EQ(t.header[1], "latency_ms");
  ASSERT_EQ(t.rows.size(), 3u);
  auto cell = [&](size_t row, const char* col) { return t.rows[row][t.column(col)]; };
  EXPECT_EQ(cell(0, "arch"), "mobilenet_v2_1.0_224");
  EXPECT_EQ(cell(0, "latency_ms"), "15.6104");
  EXPECT_EQ(cell(0, "std_ms"), "0.231");
  EXPECT_EQ(cell(0, "runs"), "64");
  EXPECT_EQ(cell(0, "median_ms"), "15.571");
  EXPECT_EQ(cell(0, "first_ms"), "22.164");
  EXPECT_EQ(cell(0, "init_ms"), "31.875");
  EXPECT_EQ(cell(0, "threads"), "4");
  EXPECT_EQ(cell(0, "delegate"), "xnnpack");
  EXPECT_EQ(cell(0, "delegated_nodes"), "66/66");
  EXPECT_EQ(cell(0, "peak_memory_mb"), "29.6172");
  EXPECT_EQ(cell(0, "graph"), "/data/local/tmp/mobilenet_v2_1.0_224.tflite");
  EXPECT_EQ(cell(0, "device"), "pixel7");
  EXPECT_EQ(cell(0, "source"), "measured (TFLite benchmark_model on pixel7, 64 runs, std 0.231 ms)");
  EXPECT_EQ(cell(0, "log"), "tflite_2.14_info.txt:19");
  EXPECT_EQ(cell(1, "delegate"), "cpu");
  EXPECT_EQ(cell(1, "latency_ms"), "62.684");
  EXPECT_EQ(cell(2, "delegate"), "nnapi");
  EXPECT_EQ(cell(2, "threads"), "");  // not logged: empty, NaN in pandas
  EXPECT_EQ(cell(2, "peak_memory_mb"), "");
  EXPECT_EQ(cell(2, "log"), "two_models_nnapi.txt:42");
}

TEST(BenchmarkModelCsv, DescribeWithoutStatistics) {
  BenchmarkRun r;
  r.source = "logs/old.txt";
  EXPECT_EQ(describe(r, ""), "measured (TFLite benchmark_model on old.txt, number of runs not logged, std not logged)");
}

TEST(BenchmarkModelCsv, OpsTable) {
  const core::CsvTable t = core::parse_csv(benchmark_ops_csv(fixture("op_profiling.txt")), "ops.csv");
  ASSERT_EQ(t.rows.size(), 5u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"dscnn_s", "CONV_2D", "5", "0.24", "69.767", "69.767", "0", "5",
                                                 "op_profiling.txt:16"}));
  EXPECT_EQ(t.rows[4][1], "SOFTMAX");
  EXPECT_TRUE(core::parse_csv(benchmark_ops_csv(fixture("tflite_2.8_plain.txt")), "none.csv").rows.empty());
}

}  // namespace
}  // namespace hwnas::measure
