#include "hwnas/measure/benchmark_model_log.h"

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

// The fixtures reproduce the forms TFLite's benchmark_model printed over its versions (the
// README of tests/measure/benchmark_model_logs/ says where each form was seen).
std::vector<BenchmarkRun> read_fixture(const std::string& name) {
  const auto path = testing::source_dir() / "tests/measure/benchmark_model_logs" / name;
  return parse_benchmark_model_log(read_file(path), name);
}

TEST(BenchmarkModelLog, Tflite28PlainWithScientificNotation) {
  const auto runs = read_fixture("tflite_2.8_plain.txt");
  ASSERT_EQ(runs.size(), 1u);
  const BenchmarkRun& r = runs[0];
  EXPECT_EQ(r.graph, "/data/local/tmp/efficientnet-b3.tflite");
  EXPECT_EQ(r.model(), "efficientnet-b3");
  EXPECT_EQ(r.threads, 4);
  EXPECT_TRUE(r.delegates.empty());
  EXPECT_DOUBLE_EQ(r.avg_us, 1.24027e+06);
  EXPECT_EQ(r.init_us, 21374);
  EXPECT_EQ(r.first_us, 1312087);
  EXPECT_EQ(r.warmup_avg_us, 1.31209e+06);
  EXPECT_EQ(r.count, 50);
  EXPECT_EQ(r.std_us, 7415);
  EXPECT_EQ(r.min_us, 1229411);
  EXPECT_EQ(r.max_us, 1263377);
  EXPECT_FALSE(r.median_us);
  EXPECT_EQ(r.init_memory_mb, 6.36328);
  EXPECT_EQ(r.overall_memory_mb, 109.832);
  EXPECT_FALSE(r.peak_memory_mb);
  EXPECT_EQ(r.where(), "tflite_2.8_plain.txt:15");  // the Inference timings line
}

TEST(BenchmarkModelLog, Tflite214InfoPrefixCommandLineAndPeakMemory) {
  const auto runs = read_fixture("tflite_2.14_info.txt");
  ASSERT_EQ(runs.size(), 1u);
  const BenchmarkRun& r = runs[0];
  EXPECT_EQ(r.model(), "mobilenet_v2_1.0_224");
  EXPECT_EQ(r.threads, 4);
  EXPECT_EQ(r.delegates, std::vector<std::string>{"xnnpack"});
  EXPECT_EQ(r.delegated_nodes, "66/66");
  EXPECT_DOUBLE_EQ(r.avg_us, 15610.4);  // "1.56104e+04"
  EXPECT_EQ(r.count, 64);
  EXPECT_EQ(r.std_us, 231);
  EXPECT_EQ(r.median_us, 15571);
  EXPECT_EQ(r.warmup_avg_us, 15843.2);
  EXPECT_EQ(r.peak_memory_mb, 29.6172);
  EXPECT_EQ(r.overall_memory_mb, 26.2539);
  EXPECT_EQ(r.line, 19);
}

TEST(BenchmarkModelLog, LogcatThreadtimeWithCrlfAndGpu) {
  const auto runs = read_fixture("logcat_gpu_crlf.txt");
  ASSERT_EQ(runs.size(), 1u);
  const BenchmarkRun& r = runs[0];
  EXPECT_EQ(r.graph, "/data/local/tmp/mobilenet_v2_1.0_224.tflite");
  EXPECT_EQ(r.delegates, std::vector<std::string>{"gpu"});
  EXPECT_EQ(r.delegated_nodes, "66/66");
  EXPECT_DOUBLE_EQ(r.avg_us, 5688.05);
  EXPECT_EQ(r.init_us, 398211);
  EXPECT_EQ(r.first_us, 31544);
  EXPECT_EQ(r.count, 176);
  EXPECT_EQ(r.std_us, 176);
  EXPECT_EQ(r.init_memory_mb, 78.8203);
  EXPECT_EQ(r.line, 23);
}

TEST(BenchmarkModelLog, Tflite115AverageTimingsInLogcatBrief) {
  const auto runs = read_fixture("tflite_1.15_logcat_brief.txt");
  ASSERT_EQ(runs.size(), 1u);
  const BenchmarkRun& r = runs[0];
  EXPECT_EQ(r.model(), "mobilenet_quant_v1_224");
  EXPECT_EQ(r.threads, 2);
  EXPECT_TRUE(r.delegates.empty());  // "Use gpu : [0]"
  EXPECT_DOUBLE_EQ(r.avg_us, 80660.1);
  EXPECT_EQ(r.init_us, 4108);
  EXPECT_EQ(r.warmup_avg_us, 91471);
  EXPECT_FALSE(r.first_us);  // 1.x did not print it on the summary line
  EXPECT_EQ(r.count, 50);
  EXPECT_EQ(r.std_us, 871);
  EXPECT_FALSE(r.init_memory_mb);
}

TEST(BenchmarkModelLog, TwoRunsOneLogOldMemoryLineAndNnapi) {
  const auto runs = read_fixture("two_models_nnapi.txt");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].model(), "yolov5s_fp32_320");
  EXPECT_EQ(runs[0].threads, 4);
  EXPECT_TRUE(runs[0].delegates.empty());
  EXPECT_DOUBLE_EQ(runs[0].avg_us, 62684);
  EXPECT_EQ(runs[0].init_memory_mb, 4.92969);  // "Peak memory footprint (MB): init=... overall=..."
  EXPECT_EQ(runs[0].overall_memory_mb, 58.8086);
  EXPECT_EQ(runs[0].line, 17);
  EXPECT_EQ(runs[1].model(), "yolov5s_fp32_320");
  EXPECT_FALSE(runs[1].threads);
  EXPECT_EQ(runs[1].delegates, std::vector<std::string>{"nnapi"});
  EXPECT_DOUBLE_EQ(runs[1].avg_us, 23442.9);
  EXPECT_EQ(runs[1].init_us, 1204570);
  EXPECT_EQ(runs[1].std_us, 528);
  EXPECT_EQ(runs[1].overall_memory_mb, 73.9883);
  EXPECT_EQ(runs[1].line, 42);
}

TEST(BenchmarkModelLog, OpProfilingSummaryOfTheRegularRunsOnly) {
  const auto runs = read_fixture("op_profiling.txt");
  ASSERT_EQ(runs.size(), 1u);
  const BenchmarkRun& r = runs[0];
  EXPECT_DOUBLE_EQ(r.avg_us, 355.7);
  EXPECT_EQ(r.threads, 1);
  ASSERT_EQ(r.op_summary.size(), 5u);  // not the initialization's AllocateTensors
  EXPECT_EQ(r.op_summary[0].node_type, "CONV_2D");
  EXPECT_EQ(r.op_summary[0].count, 5);
  EXPECT_DOUBLE_EQ(r.op_summary[0].avg_ms, 0.240);
  EXPECT_DOUBLE_EQ(r.op_summary[0].avg_percent, 69.767);
  EXPECT_DOUBLE_EQ(r.op_summary[0].cdf_percent, 69.767);
  EXPECT_EQ(r.op_summary[0].times_called, 5);
  EXPECT_EQ(r.op_summary[4].node_type, "SOFTMAX");
  EXPECT_DOUBLE_EQ(r.op_summary[4].cdf_percent, 100);
}

TEST(BenchmarkModelLog, StatisticsOnlyAndSessionInit) {
  // A log grepped down to its statistics: the last count= line is the regular runs'.
  const auto runs = parse_benchmark_model_log(
      "Graph: [m.tflite]\n"
      "Initialized session in 3.337ms.\n"
      "count=9 first=81913 curr=55502 min=55502 max=81913 avg=58984.7 std=8115\n"
      "count=1061 first=56576 curr=56299 min=54669 max=60236 avg=56265.8 std=982\n",
      "grep.txt");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].model(), "m");
  EXPECT_DOUBLE_EQ(runs[0].avg_us, 56265.8);
  EXPECT_EQ(runs[0].count, 1061);
  EXPECT_EQ(runs[0].first_us, 81913);
  EXPECT_EQ(runs[0].warmup_avg_us, 58984.7);
  EXPECT_DOUBLE_EQ(*runs[0].init_us, 3337);
  EXPECT_EQ(runs[0].line, 4);
}

TEST(BenchmarkModelLog, GraphAfterFinishedRunStartsTheNext) {
  const auto runs = parse_benchmark_model_log(
      "Graph: [a.tflite]\nInference timings in us: Init: 1, First inference: 2, Warmup (avg): 3, Inference (avg): 4\n"
      "Graph: [b.tflite]\nInference timings in us: Init: 5, First inference: 6, Warmup (avg): 7, Inference (avg): 8\n",
      "x.txt");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].model(), "a");
  EXPECT_EQ(runs[1].model(), "b");
  EXPECT_EQ(runs[1].avg_us, 8);
  EXPECT_EQ(runs[1].line, 4);
}

TEST(BenchmarkModelLog, OldParameterLabelsAndFlagsOnContinuationLines) {
  // 1.x-2.2 label their delegate parameters "Use nnapi : [1]"; "Num threads: [-1]" is "unset".
  const auto runs = parse_benchmark_model_log(
      "adb shell /data/local/tmp/benchmark_model \\\n  --graph=/sdcard/a.tflite \\\n  --use_gpu=true\n"
      "STARTING!\nNum threads: [-1]\nUse nnapi : [1]\nUse gpu : [0]\n"
      "Running benchmark for 1 iterations\ncount=1 curr=9\n\n"
      "Running benchmark for 50 iterations\ncount=50 first=1 curr=2 min=1 max=3 avg=2 std=1\n",
      "old.txt");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].graph, "/sdcard/a.tflite");
  EXPECT_FALSE(runs[0].threads);
  EXPECT_EQ(runs[0].delegates, (std::vector<std::string>{"gpu", "nnapi"}));  // the flag, then the parameter
  EXPECT_EQ(runs[0].avg_us, 2);
  EXPECT_EQ(runs[0].first_us, 9);  // the warm-up's single run
  EXPECT_EQ(runs[0].count, 50);
}

TEST(BenchmarkModelLog, NoGraphNamedTakesTheLogsName) {
  const auto runs = parse_benchmark_model_log(
      "INFO: Inference timings in us: Init: 1, First inference: 2, Warmup (avg): 3, Inference (avg): 4\n", "logs/pixel7.txt");
  EXPECT_EQ(runs.at(0).model(), "pixel7");
}

TEST(BenchmarkModelLog, MissingNumberNamesFileLineAndForm) {
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log("STARTING!\nGraph: [m.tflite]\n"
                                               "Inference timings in us: Init: 3216, First inference: , Warmup "
                                               "(avg): 15843.2, Inference (avg): 15610.4\n",
                                               "p.txt"),
                     "p.txt:3: expected 'Inference timings in us: Init: <us>, First inference: <us>, Warmup (avg): "
                     "<us>, Inference (avg): <us>'; 'First inference' has nothing instead of a number");
  EXPECT_HWNAS_ERROR(
      parse_benchmark_model_log("Inference timings in us: Init: 3216, First inference: 1, Warmup (avg): 2\n", "p.txt"),
      "p.txt:1: expected 'Inference timings in us: Init: <us>, First inference: <us>, Warmup (avg): <us>, Inference "
      "(avg): <us>': no 'Inference (avg)' figure");
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log("count=50 first=1 curr=2 min=1 max=x avg=2 std=1\n", "p.txt"),
                     "p.txt:1: expected 'count=<n> first=<us>");
}

TEST(BenchmarkModelLog, NoTimingIsAnError) {
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log("hello\nworld\n", "empty.txt"),
                     "empty.txt: no benchmark_model run found");
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log("", "empty.txt"), "empty.txt: no benchmark_model run found");
  // A run that died after its warm-up: only the warm-up's statistics.
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log("STARTING!\nGraph: [m.tflite]\n"
                                               "Running benchmark for at least 1 iterations\n"
                                               "count=1 curr=3512391\n",
                                               "died.txt"),
                     "died.txt:1: the run of m.tflite has no timing");
  // The first of two runs has no timing: named, with where the next one starts.
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log("STARTING!\nGraph: [a.tflite]\nSTARTING!\nGraph: [b.tflite]\n"
                                               "Inference timings in us: Init: 1, First inference: 2, Warmup (avg): "
                                               "3, Inference (avg): 4\n",
                                               "two.txt"),
                     "two.txt:1: the run of a.tflite has no timing");
}

TEST(BenchmarkModelLog, TruncatedTableIsAnError) {
  const std::string head =
      "Inference timings in us: Init: 1, First inference: 2, Warmup (avg): 3, Inference (avg): 4\n"
      "Operator-wise Profiling Info for Regular Benchmark Runs:\n"
      "============================== Summary by node type ==============================\n"
      "\t[Node type]\t[count]\t[avg ms]\t[avg %]\t[cdf %]\t[mem KB]\t[times called]\n"
      "\tCONV_2D\t5\t0.240\t69.767%\t69.767%\t0.000\t5\n";
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log(head, "cut.txt"),
                     "cut.txt:3: the 'Summary by node type' table is cut off");
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log(head + "\tDEPTHWISE_CONV_2D\t4\t0.09", "cut.txt"),
                     "cut.txt:6: expected a row of 'Summary by node type'");
  EXPECT_HWNAS_ERROR(parse_benchmark_model_log(head.substr(0, head.rfind("\t[Node")), "cut.txt"),
                     "cut.txt:3: the 'Summary by node type' table is cut off");
  // Complete: rows, blank line, the Timings line.
  const auto runs = parse_benchmark_model_log(head + "\nTimings (microseconds): count=50 avg=4\n", "ok.txt");
  ASSERT_EQ(runs.at(0).op_summary.size(), 1u);
}

}  // namespace
}  // namespace hwnas::measure
