#include "hwnas/eval/model_metric.h"
#include "hwnas/target/resolver.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/cost/energy.h"
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

}  // namespace
}  // namespace hwnas::eval
