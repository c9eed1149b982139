#include "hwnas/eval/metric.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/experiment.h"
#include "hwnas/exp/runner.h"

namespace hwnas::eval {
namespace {
using namespace hwnas::exp;

using namespace hwnas::exp::testing;

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
  EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.accuracy.column=test_acc"}), "--set metrics.accuracy.column: ");
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
    build_experiment(
        load_config(file, {"metrics.latency_ms.table=" + (dir / "bad.csv").string(), "metrics.latency_ms.column=acc"}));
    ADD_FAILURE() << "expected an error";
  } catch (const Error& err) {
    EXPECT_NE(err.where().find("--set metrics.latency_ms.table"), std::string::npos) << err.what();
    EXPECT_NE(err.where().find("bad.csv:3"), std::string::npos) << err.what();
    EXPECT_NE(err.message().find("arch '|conv_9x9~0|' does not parse in space nb201"), std::string::npos) << err.what();
  }
}

TEST(Metric, BuildsCostModelMemoryAndStatMetricsCheapByDefault) {
  const Experiment e = build(nb201_yaml(), {"metrics.lat={model: roofline, device: raspi4}",
                                            "metrics.sram={memory: peak_sram_kib, device: cortex-m7, dtype: int8}",
                                            "metrics.tflm={memory: peak_sram_kib, device: cortex-m7, engine: tflm}",
                                            "metrics.params={stat: params}",
                                            "metrics.energy={model: roofline, device: raspi4, value: energy_mj, "
                                            "cost: expensive}"});
  EXPECT_EQ(e.metric("lat").source(), "predicted (roofline on raspi4, f32)");
  EXPECT_EQ(e.metric("lat").cost(), CostClass::Cheap);
  // An mcu in int8: the generated code's plan by default (eval/memory_metric.h).
  EXPECT_EQ(e.metric("sram").source(),
            "predicted (hwnas codegen arena plan: greedy, best order, in-place depthwise and pointwise, fused "
            "activations, kernel scratch, int8, on cortex-m7)");
  EXPECT_EQ(e.metric("tflm").source(), "predicted (greedy arena planner, graph order, int8, on cortex-m7)");
  EXPECT_EQ(e.metric("sram").cost(), CostClass::Cheap);
  EXPECT_EQ(e.metric("params").source(), "computed (parameters of the graph, millions)");
  EXPECT_EQ(e.metric("energy").cost(), CostClass::Expensive);
}

TEST(Metric, CostModelAndMemoryErrorsNameTheKeyAndTheFix) {
  const auto err = [](const std::string& metric, const std::string& expected) {
    EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"metrics.m=" + metric}), expected);
  };
  err("{model: rofline, device: raspi4}",
      "--set metrics.m.model: 'rofline' is not a latency model kind; did you mean "
      "'roofline'? (roofline, lut, kernel, calibrated, few_shot)");
  err("{model: roofline, device: raspberry}", "--set metrics.m.device: raspberry: no such device");
  err("{model: roofline}", "--set metrics.m: needs 'device:' (a built-in device: ");
  err("{model: roofline, device: /nonexistent/dev.yaml}", "--set metrics.m.device: /nonexistent/dev.yaml");
  err("{model: roofline, device: raspi4, dtype: f16}", "--set metrics.m.dtype: 'f16' is not a dtype a network runs in");
  err("{model: roofline, device: raspi4, value: power}", "--set metrics.m.value: 'power' is not a model value");
  err("{model: roofline, device: raspi4, predictor: p.json}", "a roofline model reads no predictor file");
  err("{model: roofline, device: raspi4, value: power_mw}",
      "--set metrics.m: value: power_mw is the power at a frame rate; add 'fps:' (e.g. fps: 30)");
  err("{model: roofline, device: raspi4, value: power_mw, fps: 0}",
      "--set metrics.m.fps: must be a positive frame rate");
  err("{model: roofline, device: raspi4, fps: 30}", "--set metrics.m.fps: applies to value: power_mw only");
  err("{model: roofline, device: raspi4, frame: [640]}",
      "--set metrics.m.frame: expected the camera frame's [width, height]");
  err("{model: roofline, device: raspi4, pipeline: maybe}", "--set metrics.m.pipeline: ");
  err("{model: kernel, device: raspi4}", "--set metrics.m: a kernel model needs 'predictor:'");
  err("{model: lut, device: raspi4, predictor: /nonexistent.json}",
      "--set metrics.m.predictor: no such file: /nonexistent.json");
  err("{model: roofline, device: raspi4, clock: 2}", "--set metrics.m.clock: unknown key");
  err("{memory: peak_ram_kib, device: cortex-m7}",
      "--set metrics.m.memory: 'peak_ram_kib' is not a memory figure; "
      "did you mean 'peak_sram_kib'?");
  err("{memory: flash_kib}", "--set metrics.m: needs 'device:'");
  err("{memory: flash_kib, device: cortex-m7, engine: tflmm}",
      "--set metrics.m.engine: 'tflmm' is not a memory engine; did you mean 'tflm'?");
  err("{memory: flash_kib, device: cortex-m7, dtype: f32, engine: hwnas-codegen}",
      "--set metrics.m.engine: memory metric: engine hwnas-codegen emits int8 only");
  err("{stat: flops}", "--set metrics.m.stat: 'flops' is not a graph statistic");
  err("{column: x}", "a metric needs one of 'table:'");
}

TEST(Metric, AnUnknownSpaceNamesTheKey) { EXPECT_HWNAS_ERROR(build(nb201_yaml(), {"space=nb301"}), "--set space: "); }

}  // namespace
}  // namespace hwnas::eval

namespace hwnas::eval {
namespace {

// Every example experiment builds (tables pointed at the shared data wherever it is).
TEST(Examples, EveryExampleFileBuilds) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(hwnas::testing::source_dir() / "examples")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const ExperimentConfig plain = load_config(entry.path());
    // A proxy metric needs the plugin's scorer, which only the CLI registers: those files are
    // built by the CLI tests (tests/cli/proxy.cmake runs examples/nb201-proxy.yaml).
    if (std::any_of(plain.metrics.begin(), plain.metrics.end(), [](const auto& m) { return bool(m.node["proxy"]); }))
      continue;
    std::vector<std::string> sets;
    for (const auto& m : plain.metrics)
      if (m.node["table"])
        sets.push_back(
            m.path + ".table=" +
            (hwnas::testing::shared_data() / "nb201" / std::filesystem::path(m.node["table"].Scalar()).filename())
                .string());
    const Experiment e = build_experiment(load_config(entry.path(), sets));
    EXPECT_FALSE(e.metrics.empty());
    ++n;
  }
  EXPECT_GE(n, 1);
}

}  // namespace
}  // namespace hwnas::eval

namespace hwnas::eval {
namespace {

// The cost-model example end to end (in memory): every trial carries the four predicted or
// computed figures and keeps the 30 ms hard limit.
TEST(Examples, TheMbconvPixel3ExampleRunsOnPredictedFigures) {
  Experiment e =
      build_experiment(load_config(hwnas::testing::source_dir() / "examples/mbconv-pixel3.yaml", {"budget.trials=40"}));
  RunOptions options;
  options.in_memory = true;
  const RunSummary s = run_experiment(e, options);
  ASSERT_EQ(s.trials.size(), 40u);
  for (const auto& t : s.trials) {
    EXPECT_EQ(t.status, search::TrialStatus::Ok) << t.error;
    EXPECT_LE(t.metrics.at("latency_ms"), 30.0);
    EXPECT_GT(t.metrics.at("params_m"), 0.5);  // OFA MobileNetV3 networks: a few million
    EXPECT_GT(t.metrics.at("macs_m"), 50.0);
    EXPECT_GT(t.metrics.at("sram_kib"), 100.0);
  }
  EXPECT_FALSE(s.front.empty());
}

}  // namespace
}  // namespace hwnas::eval
