// cost::to_json of a prediction and its energy (`hwnas predict --json`), on a hand-made
// prediction: every figure in the JSON is one written here.
#include "hwnas/cost/prediction_json.h"

#include <gtest/gtest.h>

#include "hand_devices.h"
#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

// x [1,8,8,4] -> conv 3x3 (8) -> bn -> relu6 -> global pool -> fc 10
ir::Graph tiny() {
  ir::GraphBuilder b("tiny");
  const int x = b.input({1, 8, 8, 4}, "x");
  const int y = b.relu6(b.batch_norm(b.conv(x, 8, 3, 1, {}, "conv"), 1e-5f, "bn"), "act");
  return b.finish({b.fc(b.global_avg_pool(y, "gap"), 10, true, "fc")});
}

LatencyPrediction hand_prediction(const ir::Graph& g) {
  LatencyPrediction p;
  p.source = "predicted (by hand)";
  KernelCost conv;
  conv.nodes = {*g.find("conv"), *g.find("bn"), *g.find("act")};
  conv.ms = 0.5;
  conv.compute_ms = 0.4;
  conv.memory_ms = 0.1;
  conv.bound = Bound::Compute;
  conv.macs = 18432;  // 8x8 outputs x 8 channels x 3x3x4
  conv.bytes = 4096;
  KernelCost fc;
  fc.nodes = {*g.find("fc")};
  fc.processor = 0;
  fc.fallback = true;
  fc.ms = 0.25;
  fc.memory_ms = 0.05;
  fc.transfer_ms = 0.2;
  fc.bound = Bound::Transfer;
  fc.macs = 80;
  fc.bytes = 400;
  p.kernels = {conv, fc};
  p.total_ms = 0.75;
  return p;
}

TEST(KernelOps, JoinsTheOpsOfAKernel) {
  const ir::Graph g = tiny();
  const LatencyPrediction p = hand_prediction(g);
  EXPECT_EQ(kernel_ops(g, p.kernels[0]), "conv2d+batch_norm+relu6");
  EXPECT_EQ(kernel_ops(g, p.kernels[1]), "fully_connected");
}

TEST(PredictionJson, FieldsInOrderFromThePredictionAndEnergy) {
  const ir::Graph g = tiny();
  const hw::Device d = testing::hand_cpu();
  const Energy e{.latency_ms = 0.75, .compute_mj = 0.075, .memory_mj = 0.025, .energy_mj = 0.1, .max_fps = 1000 / 0.75};
  const nlohmann::ordered_json j = to_json(g, d, ir::DType::i8, hand_prediction(g), e);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"model", "device", "dtype", "source", "latency_ms", "energy_mj", "max_fps",
                                            "kernels"}));
  EXPECT_EQ(j["model"], "tiny");
  EXPECT_EQ(j["device"], "hand-cpu");
  EXPECT_EQ(j["dtype"], "int8");
  EXPECT_EQ(j["source"], "predicted (by hand)");
  EXPECT_DOUBLE_EQ(j["latency_ms"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["energy_mj"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(j["max_fps"].get<double>(), 1000 / 0.75);
  ASSERT_EQ(j["kernels"].size(), 2u);
  const auto& k0 = j["kernels"][0];
  EXPECT_EQ(k0["name"], "conv");
  EXPECT_EQ(k0["type"], "conv2d+batch_norm+relu6");
  EXPECT_EQ(k0["processor"], "cpu");
  EXPECT_EQ(k0["fallback"], false);
  EXPECT_DOUBLE_EQ(k0["ms"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(k0["compute_ms"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ(k0["memory_ms"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(k0["transfer_ms"].get<double>(), 0);
  EXPECT_EQ(k0["bound"], "compute");
  EXPECT_EQ(k0["macs"], 18432);
  EXPECT_EQ(k0["bytes"], 4096);
  std::vector<std::string> kernel_keys;
  for (const auto& [k, v] : k0.items()) kernel_keys.push_back(k);
  EXPECT_EQ(kernel_keys, (std::vector<std::string>{"name", "type", "processor", "fallback", "ms", "compute_ms",
                                                   "memory_ms", "transfer_ms", "bound", "macs", "bytes"}));
  const auto& k1 = j["kernels"][1];
  EXPECT_EQ(k1["name"], "fc");
  EXPECT_EQ(k1["fallback"], true);
  EXPECT_EQ(k1["bound"], "transfer");
  EXPECT_DOUBLE_EQ(k1["transfer_ms"].get<double>(), 0.2);
}

TEST(PredictionJson, AveragePowerBeforeTheKernels) {
  const ir::Graph g = tiny();
  const nlohmann::ordered_json j = to_json(g, testing::hand_cpu(), ir::DType::f32, hand_prediction(g), Energy{},
                                           AveragePower{.fps = 30, .mw = 12.5});
  EXPECT_EQ(j["dtype"], "f32");
  ASSERT_TRUE(j.contains("average_power_mw"));
  EXPECT_DOUBLE_EQ(j["average_power_mw"]["fps"].get<double>(), 30);
  EXPECT_DOUBLE_EQ(j["average_power_mw"]["mw"].get<double>(), 12.5);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys.at(7), "average_power_mw");
  EXPECT_EQ(keys.at(8), "kernels");
}

TEST(PredictionJson, UnknownProcessorIsAnError) {
  const ir::Graph g = tiny();
  LatencyPrediction p = hand_prediction(g);
  p.kernels[1].processor = 3;
  EXPECT_HWNAS_ERROR(to_json(g, testing::hand_cpu(), ir::DType::f32, p, Energy{}), "processor 3");
}

}  // namespace
}  // namespace hwnas::cost
