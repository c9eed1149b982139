#include "hwnas/eval/model_metric.h"
#include "hwnas/target/resolver.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/cost/energy.h"
#include "hwnas/cost/pre_post.h"
#include "hwnas/space/detection_space.h"
#include "hwnas/space/search_space.h"

namespace hwnas::eval {
namespace {
using namespace hwnas::exp;
using namespace hwnas::exp::testing;

std::shared_ptr<const space::SearchSpace> mbconv() { return target::resolve_space("mbconv"); }

// The metric is the cost model behind a metric: its figures are the model's own prediction on
// the decoded graph (the fast path included), for several archs in a row (memoised segments).
TEST(ModelMetric, LatencyIsTheModelsPredictionOfTheDecodedGraph) {
  const auto space = mbconv();
  const hw::Device dev = hw::load_device("pixel3-cpu");
  const ModelMetric m("latency_ms", CostClass::Cheap, dev, {.kind = "roofline"}, ir::DType::f32, ModelValue::LatencyMs,
                      space);
  const auto model = cost::make_latency_model({.kind = "roofline"}, dev);
  Rng rng(3);
  for (int i = 0; i < 20; ++i) {
    const space::Arch a = space->sample(rng);
    const double direct = model->predict(space->decode(a), ir::DType::f32).total_ms;
    EXPECT_NEAR(m.evaluate(a, space->to_string(a)), direct, 1e-9 * direct) << space->to_string(a);
  }
  EXPECT_EQ(m.source(), "predicted (roofline on pixel3-cpu, f32)");
}

TEST(ModelMetric, FpsIsAThousandOverLatencyAndEnergyComesFromThePowerFigures) {
  const auto space = mbconv();
  const hw::Device dev = hw::load_device("raspi4");
  const auto options = cost::LatencyModelOptions{.kind = "roofline"};
  const ModelMetric lat("l", CostClass::Cheap, dev, options, ir::DType::i8, ModelValue::LatencyMs, space);
  const ModelMetric fps("f", CostClass::Cheap, dev, options, ir::DType::i8, ModelValue::Fps, space);
  const ModelMetric energy("e", CostClass::Cheap, dev, options, ir::DType::i8, ModelValue::EnergyMj, space);
  Rng rng(4);
  const space::Arch a = space->sample(rng);
  const std::string s = space->to_string(a);
  EXPECT_NEAR(fps.evaluate(a, s), 1000.0 / lat.evaluate(a, s), 1e-9);
  const auto p = cost::make_latency_model(options, dev)->predict(space->decode(a), ir::DType::i8);
  const double expected = cost::estimate_energy(dev, p).energy_mj;
  EXPECT_DOUBLE_EQ(energy.evaluate(a, s), expected);
  // Energy is at least active power x latency of the one processor: 1200 mW x ms = uJ -> mJ.
  EXPECT_GE(energy.evaluate(a, s), 1200 * lat.evaluate(a, s) * 1e-3 * (1 - 1e-9));
  EXPECT_EQ(energy.source(), "predicted (energy: roofline on raspi4 and raspi4's power figures, int8)");
  EXPECT_NE(lat.fingerprint(), energy.fingerprint());
  EXPECT_NE(
      lat.fingerprint(),
      ModelMetric("l", CostClass::Cheap, dev, options, ir::DType::f32, ModelValue::LatencyMs, space).fingerprint());
}

// A round-figure CPU written here: 1 GHz, 2 conv MACs / 1 element per cycle, 1 GB/s, 1 us per
// kernel, 100 mW busy, 10 mW idle, 5 pJ per byte.
hw::Device tiny_cpu() {
  return hw::parse_device(R"(name: tiny-cpu
description: a round-figure CPU for tests
kind: cpu
default_dtype: f32
calibration: made up for a test
primary: cpu
processors:
  cpu:
    clock_mhz: 1000
    per_cycle: {conv: {f32: 2}, depthwise: {f32: 1}, fc: {f32: 1}, elementwise: {f32: 1}, pool: {f32: 1}, data: {f32: 1}}
    bandwidth_gb_s: 1
    op_overhead_us: 1
    active_power_mw: 100
power: {idle_mw: 10, energy_pj_per_byte: 5}
)",
                          "tiny-cpu.yaml");
}

// One small detector: every decision has a single choice.
std::shared_ptr<const space::SearchSpace> one_detector() {
  space::DetectionSpaceOptions o;
  o.classes = 2;
  o.resolutions = {64};
  o.widths = {0.5};
  o.depths = {1};
  o.kernels = {3};
  o.expands = {3};
  o.first_map_strides = {16};
  o.extras = {1};
  o.extra_channels = {32};
  o.anchors = {2};
  return std::make_shared<space::DetectionSpace>(o);
}

TEST(ModelMetric, ADetectorsFrameIsTheNetworkPlusTheCpusPrePostProcessing) {
  const auto space = one_detector();
  const hw::Device dev = tiny_cpu();
  const space::Arch a{std::vector<int>(space->num_decisions(), 0)};
  const std::string s = space->to_string(a);
  const ir::Graph g = space->decode(a);
  const auto p = cost::make_latency_model({.kind = "roofline"}, dev)->predict(g, ir::DType::f32);
  const cost::Energy net = cost::estimate_energy(dev, p);
  const cost::PrePost pp = cost::estimate_pre_post(dev, g, ir::DType::f32);  // 640x480 frame
  ASSERT_TRUE(pp.detector);
  const auto metric = [&](ModelValue v, FrameOptions f = {}) {
    return ModelMetric("m", CostClass::Cheap, dev, {.kind = "roofline"}, ir::DType::f32, v, space, f);
  };
  const ModelMetric latency = metric(ModelValue::LatencyMs);
  EXPECT_TRUE(latency.pipeline());
  EXPECT_NEAR(latency.evaluate(a, s), p.total_ms + pp.ms, 1e-9);
  EXPECT_NEAR(metric(ModelValue::LatencyMs, {.pipeline = false}).evaluate(a, s), p.total_ms, 1e-9);
  EXPECT_NEAR(metric(ModelValue::Fps).evaluate(a, s), 1000 / (p.total_ms + pp.ms), 1e-9);
  EXPECT_NEAR(metric(ModelValue::EnergyMj).evaluate(a, s), net.energy_mj + pp.energy_mj, 1e-12);

  // Power at 30 FPS: (network + CPU) energy per frame x 30 + 10 mW x the idle share of a second.
  const double frame_ms = p.total_ms + pp.ms, frame_mj = net.energy_mj + pp.energy_mj;
  ASSERT_LT(frame_ms, 1000.0 / 30);
  EXPECT_NEAR(metric(ModelValue::PowerMw, {.fps = 30}).evaluate(a, s), frame_mj * 30 + 10 * (1 - 30 * frame_ms / 1000),
              1e-9);
  // A frame rate the frame does not fit: frames back to back, no idle (mJ per frame / s per frame).
  ASSERT_GT(frame_ms, 1000.0 / 10000);
  EXPECT_NEAR(metric(ModelValue::PowerMw, {.fps = 10000}).evaluate(a, s), frame_mj / (frame_ms / 1000), 1e-9);
  // The frame size is a parameter: a smaller camera frame resizes faster.
  EXPECT_LT(metric(ModelValue::LatencyMs, {.pre_post = {.frame_width = 320, .frame_height = 240}}).evaluate(a, s),
            latency.evaluate(a, s));
  const std::string source = metric(ModelValue::PowerMw, {.fps = 30}).source();
  EXPECT_NE(source.find("estimated (average power at 30 FPS: energy per frame from roofline on tiny-cpu + CPU "
                        "pre/post-processing estimated from the profile (640x480 frame resize"),
            std::string::npos)
      << source;
  EXPECT_NE(latency.fingerprint(), metric(ModelValue::LatencyMs, {.pipeline = false}).fingerprint());
  EXPECT_NE(metric(ModelValue::PowerMw, {.fps = 30}).fingerprint(),
            metric(ModelValue::PowerMw, {.fps = 25}).fingerprint());
  EXPECT_HWNAS_ERROR(metric(ModelValue::PowerMw), "give a positive fps");
}

TEST(ModelMetric, AClassifiersFiguresAreItsNetworksAlone) {
  const auto space = mbconv();
  const hw::Device dev = tiny_cpu();
  const ModelMetric lat("l", CostClass::Cheap, dev, {.kind = "roofline"}, ir::DType::f32, ModelValue::LatencyMs, space);
  EXPECT_FALSE(lat.pipeline());
  EXPECT_EQ(lat.source(), "predicted (roofline on tiny-cpu, f32)");
  Rng rng(5);
  const space::Arch a = space->sample(rng);
  const auto p = cost::make_latency_model({.kind = "roofline"}, dev)->predict(space->decode(a), ir::DType::f32);
  EXPECT_NEAR(lat.evaluate(a, space->to_string(a)), p.total_ms, 1e-9 * p.total_ms);
  const ModelMetric power("p", CostClass::Cheap, dev, {.kind = "roofline"}, ir::DType::f32, ModelValue::PowerMw, space,
                          {.fps = 1});
  const cost::Energy e = cost::estimate_energy(dev, p);
  EXPECT_NEAR(power.evaluate(a, space->to_string(a)), e.energy_mj * 1 + 10 * (1 - e.latency_ms / 1000), 1e-9);
}

}  // namespace
}  // namespace hwnas::eval
