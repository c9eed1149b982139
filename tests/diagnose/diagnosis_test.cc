#include "hwnas/diagnose/diagnosis.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hwnas/cost/roofline.h"
#include "hwnas/diagnose/int8_losses.h"
#include "hwnas/ir/builder.h"
#include "hwnas/runtime/weights.h"
#include "hwnas/target/resolver.h"

namespace hwnas::diagnose {
namespace {

using ir::DType;

// An accelerator that runs 3x3 int8 convs fusing relu, and relu6 on its own; a CPU beside it.
// No launch or invoke overheads and no energy per byte, so that every figure is a short hand
// calculation.
constexpr const char* kAccel = R"(name: accel
processors:
  acc:
    clock_mhz: 500
    per_cycle: {conv: {int8: 64}, depthwise: {int8: 8}, fc: {int8: 8}, elementwise: {int8: 4}, pool: {int8: 4}, data: {int8: 4}}
    bandwidth_gb_s: 2
    active_power_mw: 100
    ops:
      - {op: conv2d, kernels: [3], strides: [1], dtypes: [int8], fused_activations: [relu]}
      - {op: relu6}
  cpu:
    clock_mhz: 1000
    per_cycle: {conv: 2, depthwise: 1, fc: 1, elementwise: 1, pool: 1, data: 1}
    bandwidth_gb_s: 4
    active_power_mw: 300
fallback: {processor: cpu, transfer_gb_s: 1, transfer_overhead_us: 10}
power: {idle_mw: 1}
)";

// input [1,8,8,8] -> conv 3x3 to 16 -> hardswish -> conv 3x3 to 16.
ir::Graph two_convs() {
  ir::GraphBuilder b("two-convs");
  const int x = b.input({1, 8, 8, 8});
  const int h = b.hardswish(b.conv(x, 16, 3, 1, {}, "c1"), "hs");
  return b.finish({b.conv(h, 16, 3, 1, {}, "c2")});
}

TEST(Diagnose, FiguresByHand) {
  const hw::Device d = hw::parse_device(kAccel, "accel.yaml");
  const cost::RooflineModel model(d);
  const Diagnosis r = diagnose(two_convs(), d, model, DType::i8, {.top = 10, .fps = 1000});
  // c1: 8*8*16 outputs x 72 MACs = 73,728 MACs / (500 MHz x 64) = 2.304 us (memory: 512 + 1,024
  //     + 1,152 weight bytes / 2 GB/s = 1.344 us): compute-bound.
  // hs on the CPU: 1,024 elements / 1 GHz = 1.024 us, plus two transfers of 1,024 bytes at
  //     1 GB/s + 10 us each = 22.048 us: 23.072 us, transfer-bound.
  // c2: 147,456 MACs / 32e9 = 4.608 us (memory 4,352 B / 2 GB/s = 2.176 us).
  EXPECT_NEAR(r.before.latency_ms, 0.029984, 1e-9);
  ASSERT_EQ(r.slowest.size(), 3u);
  EXPECT_EQ(r.slowest[0].name, "hs");
  EXPECT_EQ(r.slowest[0].processor, "cpu");
  EXPECT_TRUE(r.slowest[0].fallback);
  EXPECT_EQ(r.slowest[0].bound, cost::Bound::Transfer);
  EXPECT_NEAR(r.slowest[0].transfer_ms, 0.022048, 1e-9);
  EXPECT_EQ(r.slowest[1].name, "c2");
  EXPECT_EQ(r.slowest[2].name, "c1");
  EXPECT_EQ(r.slowest[2].bound, cost::Bound::Compute);
  EXPECT_NEAR(r.slowest[0].share, 23.072 / 29.984, 1e-9);
  // Energy: 100 mW x 6.912 us + 300 mW x 23.072 us = 7.6128 uJ; at 1000 FPS busy 2.9984% of
  // the time: 7.6128 mW + 1 mW idle x 0.970016.
  EXPECT_NEAR(r.before.energy_mj, 0.0076128, 1e-12);
  EXPECT_NEAR(r.before.power_mw, 7.6128 + 0.970016, 1e-9);
  EXPECT_EQ(r.before.fallbacks, 1);
  EXPECT_NEAR(r.before.fallback_ms, 0.023072, 1e-9);
  ASSERT_EQ(r.fallbacks.size(), 1u);
  EXPECT_EQ(r.fallbacks[0].audit.op, "hardswish");
  EXPECT_EQ(r.fallbacks[0].audit.reason, "hardswish is not in acc's operator set");
  EXPECT_NEAR(r.fallbacks[0].ms, 0.023072, 1e-9);
  // The repair swaps hardswish for relu, which c1's entry fuses (relu6 would run on its own):
  // c1 + c2 alone, 6.912 us, 0.6912 uJ, and 0.6912 mW + 1 mW x 0.993088 at 1000 FPS.
  ASSERT_EQ(r.repair.steps.size(), 1u);
  EXPECT_EQ(r.repair.steps[0].change, "hardswish -> relu");
  EXPECT_NEAR(r.after.latency_ms, 0.006912, 1e-9);
  EXPECT_NEAR(r.after.energy_mj, 0.0006912, 1e-12);
  EXPECT_NEAR(r.after.power_mw, 0.6912 + 0.993088, 1e-9);
  EXPECT_EQ(r.after.fallbacks, 0);
  EXPECT_TRUE(r.repair.remaining.empty());
}

TEST(Diagnose, PowerIsAbsentWhenTheFrameRateCannotBeReached) {
  const hw::Device d = hw::parse_device(kAccel, "accel.yaml");
  const cost::RooflineModel model(d);
  const Diagnosis r = diagnose(two_convs(), d, model, DType::i8, {.fps = 1e6});  // 1 us per frame
  EXPECT_TRUE(std::isnan(r.before.power_mw));
  const nlohmann::json j = to_json(r);
  EXPECT_TRUE(j["before"]["power_mw"].is_null());
  EXPECT_EQ(j["fallbacks"][0]["op"], "hardswish");
  EXPECT_EQ(j["repair"][0]["change"], "hardswish -> relu");
  EXPECT_EQ(j["slowest"][0]["bound"], "transfer");
}

TEST(Diagnose, Int8LossesRankTheLayers) {
  const ir::Graph g = target::resolve_model("mobilenetv2-0.35");
  const runtime::Weights w = runtime::init_weights(g, {.seed = 1});
  const Int8Losses l = int8_losses(g, w, random_inputs(g, 2, 0), 3, "2 random inputs");
  ASSERT_EQ(l.worst.size(), 3u);
  EXPECT_LE(l.worst[0].isolated_sqnr_db, l.worst[1].isolated_sqnr_db);
  EXPECT_LE(l.worst[1].isolated_sqnr_db, l.worst[2].isolated_sqnr_db);
  EXPECT_EQ(l.samples, 2);
  // Int8 with calibrated ranges keeps a random network's output within tens of dB, not exact.
  EXPECT_GT(l.output_sqnr_db, 5);
  EXPECT_LT(l.output_sqnr_db, 80);
}

}  // namespace
}  // namespace hwnas::diagnose
