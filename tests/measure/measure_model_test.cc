// measure_model end to end on a tiny graph; no assertion depends on how fast anything ran.
#include "hwnas/measure/measure_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

using ::testing::HasSubstr;

ir::Graph tiny(bool with_concat) {
  ir::Graph g("tiny");
  ir::Attrs in;
  in.shape = {1, 8, 8, 4};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  ir::Attrs conv;
  conv.out_channels = 4;
  int y = g.add(ir::OpKind::Conv2D, {x}, conv, "conv");
  if (with_concat) y = g.add(ir::OpKind::Concat, {x, y}, {}, "cat");
  g.set_outputs({g.add(ir::OpKind::GlobalAvgPool, {y}, {}, "gap")});
  return g;
}

MeasureOptions quick(std::string backend) {
  MeasureOptions o;
  o.backend = std::move(backend);
  o.pin = false;
  o.timing.budget_s = 0.2;
  o.timing.max_runs = 50;
  return o;
}

TEST(MeasureModel, JsonCarriesTheProtocolFigures) {
  const Measurement m = measure_model(tiny(false), quick("xnnpack"));
  EXPECT_GE(m.timing.summary.runs, 1);
  const nlohmann::json j = to_json(m);
  for (const char* key : {"median_ms", "p10_ms", "p90_ms", "cv", "runs", "backend", "threads", "noisy", "converged",
                          "pinned", "fallback_nodes", "ci_low_ms", "ci_high_ms"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["source"], "measured");
  EXPECT_EQ(j["backend"], "xnnpack");
  EXPECT_EQ(j["runs"], m.timing.summary.runs);
  EXPECT_LE(j["p10_ms"].get<double>(), j["median_ms"].get<double>());
  EXPECT_LE(j["median_ms"].get<double>(), j["p90_ms"].get<double>());
  EXPECT_EQ(j["fallback_nodes"], 0);
  EXPECT_THAT(to_text(m), HasSubstr(fmt::format("measured (xnnpack, {} runs, CV", m.timing.summary.runs)));
  EXPECT_THAT(to_text(m), HasSubstr("not pinned (pinning off)"));
}

TEST(MeasureModel, FallbacksAreCountedAndShown) {
  const Measurement m = measure_model(tiny(true), quick("xnnpack"));
  EXPECT_EQ(m.fallback_nodes, 1);
  EXPECT_EQ(m.fallback_names, (std::vector<std::string>{"cat"}));
  EXPECT_THAT(to_text(m), HasSubstr("cat (this XNNPACK has no concatenate)"));
  EXPECT_EQ(measure_model(tiny(true), quick("reference")).fallback_nodes, 0);
}

TEST(MeasureModel, Int8IsNamedInTextAndJson) {
  MeasureOptions o = quick("xnnpack");
  o.dtype = ir::DType::i8;
  const Measurement m = measure_model(tiny(false), o);
  EXPECT_EQ(to_json(m)["dtype"], "int8");
  EXPECT_THAT(to_text(m), HasSubstr("measured (xnnpack int8, "));
  EXPECT_THAT(m.execution, HasSubstr("2 node(s) in int8"));  // conv and global_avg_pool
  o.backend = "reference";
  EXPECT_HWNAS_ERROR(measure_model(tiny(false), o), "runs f32 only");
}

TEST(MeasureModel, BadRequestsAreErrors) {
  EXPECT_HWNAS_ERROR(measure_model(tiny(false), quick("tflite")), "unknown backend; known: reference, xnnpack");
  MeasureOptions o = quick("xnnpack");
  o.threads = 0;
  EXPECT_HWNAS_ERROR(measure_model(tiny(false), o), "threads must be at least 1");
}

TEST(Pinning, MeasureModelLeavesTheCallersAffinityAsItWas) {
  const std::vector<int> before = allowed_cpus();
  MeasureOptions o = quick("xnnpack");
  o.pin = true;
  const Measurement m = measure_model(tiny(false), o);
  EXPECT_EQ(allowed_cpus(), before);
  if (m.pinning.pinned) {
    EXPECT_EQ(m.pinning.cpus.size(), 1u);
  }
  {
    const ScopedPin pin(1, true);
    if (pin.pinning().pinned) {
      EXPECT_EQ(allowed_cpus().size(), 1u);
    }
  }
  EXPECT_EQ(allowed_cpus(), before);
  EXPECT_THAT(ScopedPin(1, false).pinning().note, HasSubstr("pinning off"));
}

TEST(Pinning, PinsOrSaysWhyNot) {
  const Pinning p = pin_to_cpus(1);
  if (p.pinned) {
    EXPECT_EQ(p.cpus.size(), 1u);
    EXPECT_THAT(p.note, HasSubstr("pinned to CPU "));
  } else {
    EXPECT_THAT(p.note, HasSubstr("not pinned"));
  }
  const Pinning too_many = pin_to_cpus(100000);
  EXPECT_FALSE(too_many.pinned);
  EXPECT_THAT(too_many.note, HasSubstr("only"));
}

}  // namespace
}  // namespace hwnas::measure
