#include "hwnas/cost/arch_latency.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hand_devices.h"
#include "hwnas/core/rng.h"
#include "hwnas/cost/roofline.h"
#include "hwnas/space/mbconv_space.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

// The fast path against the slow one (decode, then predict) on 500 random archs.
void expect_equal_to_slow_path(const char* space_name, const hw::Device& device, ir::DType dtype) {
  const auto space = space::make_space(space_name);
  const RooflineModel model(device);
  ArchLatency fast(*space, model, dtype);
  Rng rng(11);
  for (int i = 0; i < 500; ++i) {
    const space::Arch a = space->sample(rng);
    const double slow = model.predict_ms(space->decode(a), dtype);
    ASSERT_NEAR(fast.ms(a), slow, 1e-9 * slow) << space_name << " on " << device.name << ": " << space->to_string(a);
  }
}

TEST(ArchLatency, Nb201EqualsTheSlowPathOnCpuAndNpu) {
  expect_equal_to_slow_path("nb201", testing::hand_cpu(), ir::DType::f32);
  expect_equal_to_slow_path("nb201", testing::hand_npu(), ir::DType::f32);
}

TEST(ArchLatency, MbConvEqualsTheSlowPathOnCpuAndNpu) {
  // The NPU runs 3x3 depthwise only and no hardswish or squeeze-excite multiply: blocks fall
  // back, and transfers at segment borders depend on the neighbouring blocks.
  expect_equal_to_slow_path("mbconv", testing::hand_cpu(), ir::DType::f32);
  expect_equal_to_slow_path("mbconv", testing::hand_npu(), ir::DType::i8);
}

TEST(ArchLatency, OtherSpacesEqualTheSlowPath) {
  for (const char* name : {"dscnn", "efficientnet"}) {
    const auto space = space::make_space(name);
    const RooflineModel model(testing::hand_cpu());
    ArchLatency fast(*space, model, ir::DType::f32);
    Rng rng(5);
    for (int i = 0; i < 20; ++i) {
      const space::Arch a = space->sample(rng);
      const double slow = model.predict_ms(space->decode(a), ir::DType::f32);
      EXPECT_NEAR(fast.ms(a), slow, 1e-9 * slow) << name;
    }
  }
}

// An arch of the mbconv space at resolution/width choice 0, every stage at `depth`, every
// block with the given kernel and expand choices.
space::Arch uniform_mbconv(const space::MbConvSpace& s, int depth_choice, int kernel, int expand) {
  space::Arch a{std::vector<int>(s.num_decisions(), 0)};
  for (int st = 0; st < 5; ++st) {
    a.choice[s.depth_decision(st)] = depth_choice;
    for (int b = 0; b <= depth_choice + 1; ++b) {
      a.choice[s.kernel_decision(st, b)] = kernel;
      a.choice[s.expand_decision(st, b)] = expand;
    }
  }
  return a;
}

TEST(ArchLatency, NewArchsOfKnownBlocksNeedNoDecode) {
  const space::MbConvSpace space;
  const RooflineModel model(testing::hand_cpu());
  ArchLatency fast(space, model, ir::DType::f32);
  const space::Arch small = uniform_mbconv(space, 2, 0, 0), big = uniform_mbconv(space, 2, 2, 2);
  fast.ms(small);
  fast.ms(big);
  EXPECT_EQ(fast.counters().decodes, 2u);
  // Half the stages from one, half from the other: every block is known, the arch is not.
  space::Arch mixed = small;
  for (int d = space.depth_decision(3); d < space.num_decisions(); ++d) mixed.choice[d] = big.choice[d];
  const double slow = model.predict_ms(space.decode(mixed), ir::DType::f32);
  EXPECT_NEAR(fast.ms(mixed), slow, 1e-9 * slow);
  EXPECT_EQ(fast.counters().decodes, 2u);
  EXPECT_EQ(fast.counters().calls, 3u);
  // Stem, 4 blocks per stage x 5 stages x 2 (kernel, expand) settings, head.
  EXPECT_EQ(fast.counters().segments, 1u + 2 * 20 + 1);
}

// A model that is not a sum of kernels: its total is 1.1 x the roofline's.
class Scaled : public RooflineModel {
 public:
  using RooflineModel::RooflineModel;
  LatencyPrediction predict(const ir::Graph& g, ir::DType t) const override {
    LatencyPrediction p = RooflineModel::predict(g, t);
    p.total_ms *= 1.1;
    return p;
  }
};

// It claims to be additive; the second decoded graph shows it is not (its total minus its
// kernels differs), and from then on every arch is predicted whole, and still right.
TEST(ArchLatency, AModelFoundNotAdditiveTakesTheSlowPath) {
  const auto space = space::make_space("nb201");
  const Scaled model(testing::hand_cpu());
  ArchLatency fast(*space, model, ir::DType::f32);
  Rng rng(3);
  for (int i = 0; i < 20; ++i) {
    const space::Arch a = space->sample(rng);
    const double slow = model.predict_ms(space->decode(a), ir::DType::f32);
    ASSERT_NEAR(fast.ms(a), slow, 1e-12 * slow) << i;
    EXPECT_EQ(fast.why_slow().empty(), i == 0) << i << ": " << fast.why_slow();
  }
  EXPECT_NE(fast.why_slow().find("it is not additive"), std::string::npos) << fast.why_slow();
  EXPECT_EQ(fast.counters().segments, 0u);  // what the first arch taught was forgotten
}

// A model that says it is not additive never has its pieces memoised: every call decodes.
class SaysNotAdditive : public RooflineModel {
 public:
  using RooflineModel::RooflineModel;
  bool additive() const override { return false; }
};

TEST(ArchLatency, AModelThatSaysItIsNotAdditiveIsAlwaysPredictedWhole) {
  const space::MbConvSpace space;
  const SaysNotAdditive model(testing::hand_cpu());
  ArchLatency fast(space, model, ir::DType::f32);
  const space::Arch a = uniform_mbconv(space, 0, 0, 0);
  EXPECT_DOUBLE_EQ(fast.ms(a), model.predict_ms(space.decode(a), ir::DType::f32));
  fast.ms(a);
  EXPECT_EQ(fast.counters().decodes, 2u);
  EXPECT_EQ(fast.counters().segments, 0u);
  EXPECT_NE(fast.why_slow().find("roofline model is not additive"), std::string::npos) << fast.why_slow();
}

// A model that runs the whole graph as one kernel, across mbconv's segments.
class OneKernel : public RooflineModel {
 public:
  using RooflineModel::RooflineModel;
  LatencyPrediction predict(const ir::Graph& g, ir::DType t) const override {
    LatencyPrediction p = RooflineModel::predict(g, t);
    KernelCost all;
    for (int id = 1; id < g.size(); ++id) all.nodes.push_back(id);
    all.ms = p.total_ms;
    p.kernels = {all};
    return p;
  }
};

TEST(ArchLatency, AKernelAcrossSegmentsMeansTheSlowPath) {
  const space::MbConvSpace space;
  const OneKernel model(testing::hand_cpu());
  ArchLatency fast(space, model, ir::DType::f32);
  const space::Arch a = uniform_mbconv(space, 0, 0, 0);
  EXPECT_DOUBLE_EQ(fast.ms(a), model.predict_ms(space.decode(a), ir::DType::f32));
  EXPECT_NE(fast.why_slow().find("across two segments"), std::string::npos) << fast.why_slow();
}

}  // namespace
}  // namespace hwnas::cost
