#pragma once
// The output of TFLite's `benchmark_model` (as users run it on Android phones:
// `adb shell /data/local/tmp/benchmark_model --graph=m.tflite --num_threads=4`), read into one
// record per benchmarked model. Pure text: nothing here runs anything.
//
//   const std::vector<measure::BenchmarkRun> runs =
//       measure::parse_benchmark_model_log(read_file("pixel7.txt"), "pixel7.txt");
//   runs[0].model();    // "mobilenet_v2" (the graph's file name without .tflite)
//   runs[0].avg_us;     // 15610.4
//   runs[0].std_us;     // 320 (from the count=... line; absent when the log has none)
//
// Every form TFLite has printed is read (docs/measure.md#importing-benchmark_model-logs):
// lines with or without TFLite's "INFO: " prefix, inside logcat ("12-06 10:15:32.123  1234
// 1234 I tflite  : ..." and "I/tflite( 1234): ..."), CRLF line ends; the timings line of 2.x
// ("Inference timings in us: Init: ..., First inference: ..., Warmup (avg): ..., Inference
// (avg): ...") and of 1.x ("Average inference timings in us: Warmup: ..., Init: ...,
// Inference: ..." or "no stats: ..."), numbers in scientific notation; the run statistics
// ("count=50 first=... curr=... min=... max=... avg=... std=..."), the memory lines old and
// new, the parameter block, the command line, delegate lines and the per-op "Summary by node
// type" of --enable_op_profiling. A log may hold several runs one after another: each starts
// at "STARTING!", at a `benchmark_model` command line, or at a "Graph: [...]" line once the
// run before it has its timings.
//
// A malformed or truncated log is an hwnas::Error naming "<source>:<line>" and what was
// expected there; a run without any timing is an error, never a row of blanks.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas::measure {

// One row of "Summary by node type" (the per-op profile of the regular runs).
struct OpTypeSummary {
  std::string node_type;  // CONV_2D, DEPTHWISE_CONV_2D, TfLiteXNNPackDelegate, ...
  int count = 0;          // nodes of this type
  double avg_ms = 0;      // per inference, all nodes of the type together
  double avg_percent = 0, cdf_percent = 0, mem_kb = 0;
  int times_called = 0;
};

struct BenchmarkRun {
  std::string source;  // the log, for messages
  int line = 0;        // where the run's timing was read (1-based)
  std::string graph;   // as the log names it: "/data/local/tmp/m.tflite"; empty if it does not
  std::optional<int> threads;
  std::vector<std::string> delegates;  // "gpu", "nnapi", "hexagon", "xnnpack", in order seen; empty: plain CPU kernels
  std::optional<std::string> delegated_nodes;  // "58/58" from "Replacing 58 out of 58 node(s) ..."
  // Microseconds, as benchmark_model prints them.
  std::optional<double> init_us, first_us, warmup_avg_us;
  double avg_us = 0;  // the regular runs' mean: the latency
  std::optional<double> std_us, min_us, max_us, median_us;
  std::optional<int> count;  // regular runs timed
  // MB, as printed: the resident-set delta after init and overall (both memory lines), and
  // the peak of periodic monitoring (--report_peak_memory_footprint).
  std::optional<double> init_memory_mb, overall_memory_mb, peak_memory_mb;
  std::vector<OpTypeSummary> op_summary;  // empty without --enable_op_profiling

  // The graph's file name without directory and ".tflite"; the log's, when the log never
  // names the graph.
  std::string model() const;
  std::string where() const;  // "<source>:<line>"
};

std::vector<BenchmarkRun> parse_benchmark_model_log(std::string_view text, const std::string& source);

}  // namespace hwnas::measure
