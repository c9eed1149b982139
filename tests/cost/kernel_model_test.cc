// KernelBank, train_group, KernelModel and the predictor file, on a synthetic backend whose
// kernel times are a known function of MACs and bytes (no timing in unit tests).
#include "hwnas/cost/kernel_model.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/core/version.h"
#include "hwnas/cost/kernel_features.h"
#include "hwnas/cost/kernel_training.h"
#include "hwnas/cost/predictor_build.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/stats.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

// The synthetic backend: 1 ns per MAC, 0.25 ns per byte moved, 2 us per kernel graph.
double synthetic_ms(const ir::Graph& g) {
  const ir::Stats s = ir::compute_stats(g);
  int64_t bytes = 0;
  for (const ir::Node& n : g.nodes()) bytes += n.shape.numel() * 4;
  return 1e-6 * static_cast<double>(s.macs) + 0.25e-6 * static_cast<double>(bytes) + 0.002;
}

measure::Measurement fake_measure(const ir::Graph& g) {
  measure::Measurement m;
  m.timing.summary.median = synthetic_ms(g);
  m.timing.summary.runs = 10;
  m.timing.spent_s = 0.001;
  return m;
}

// input [1,r,r,c] -> conv kxk (o) + BN + ReLU -> global pool.
ir::Graph conv_graph(int r, int c, int o, int k) {
  ir::GraphBuilder b("conv");
  int x = b.input({1, r, r, c});
  x = b.relu(b.batch_norm(b.conv(x, o, k)));
  return b.finish({b.global_avg_pool(x)});
}

ir::FusionRules rules() {
  ir::FusionRules r = ir::FusionRules::batchnorm_only();
  r.add(ir::OpKind::Conv2D, ir::OpKind::Relu);
  return r;
}

// A lut predictor of every kernel the bank measured.
PredictorFile lut_file(const KernelBank& bank) {
  PredictorFile p;
  p.kind = "lut";
  p.fusion = rules();
  p.features = kernel_feature_names();
  for (const KernelSample& s : bank.samples()) p.lut[s.features.key] = s.ms;
  return p;
}

KernelBank trained_bank() {
  KernelBank bank(ir::DType::f32, fake_measure);
  for (int r : {8, 12, 16, 20, 24})
    for (int c : {8, 16, 24, 32})
      for (int k : {1, 3}) bank.add(conv_graph(r, c, 2 * c, k), rules());
  return bank;
}

TEST(KernelBank, MeasuresEachDistinctKernelOnce) {
  KernelBank bank(ir::DType::f32, fake_measure);
  const auto a = bank.add(conv_graph(8, 8, 16, 3), rules());
  EXPECT_EQ(a.kernels, 2);  // conv+bn+relu, pool
  EXPECT_EQ(a.measured, 2);
  const auto b = bank.add(conv_graph(8, 8, 16, 3), rules());
  EXPECT_EQ(b.measured, 0);
  // A filter: only conv kernels of a new graph.
  const auto c = bank.add(conv_graph(8, 8, 32, 3), rules(), [](const KernelFeatures& f) { return f.group == "conv"; });
  EXPECT_EQ(c.measured, 1);
  EXPECT_EQ(bank.group("conv").size(), 2u);
  EXPECT_EQ(bank.group("conv")[0].type, "conv2d+batch_norm+relu");
  // The kernel timed alone: conv 8x8x8 -> 16, k3: 73,728 MACs; its graph's tensors are the
  // input (512 elements) and conv, bn, relu outputs (1,024 each): 3,584 x 4 bytes = 14,336
  // bytes at 0.25 ns: 0.073728 + 0.003584 + 0.002 ms.
  EXPECT_NEAR(bank.group("conv")[0].ms, 0.073728 + 0.003584 + 0.002, 1e-12);
}

TEST(KernelModel, LearnsTheSyntheticBackendAndSurvivesTheFile) {
  const KernelBank bank = trained_bank();
  PredictorFile p;
  p.kind = "kernel";
  p.fusion = rules();
  p.features = kernel_feature_names();
  p.hwnas_version = std::string(hwnas::version());
  p.created = utc_timestamp();
  for (const std::string group : {"conv", "global_pool"}) p.groups[group] = train_group(bank.group(group), {.seed = 1});
  const GroupModel& conv = p.groups["conv"];
  EXPECT_EQ(conv.train_size, 40);
  EXPECT_EQ(conv.validation_samples, 8);
  EXPECT_GE(conv.validation_within_10, 0.85);
  // The base fit alone carries most of it: ms ~ 1e-6 MACs + ... (bytes differ from the
  // synthetic backend's count by the weights, so only roughly).
  EXPECT_NEAR(conv.base[0], 1e-6, 0.3e-6);

  const auto dir = testing::temp_dir();
  save_predictor(p, dir / "p.json");
  const KernelModel model(load_predictor(dir / "p.json"), "p.json");
  // An unseen network inside the training range: within 10% of the synthetic backend.
  const ir::Graph g = conv_graph(14, 20, 40, 3);
  const LatencyPrediction pred = model.predict(g, ir::DType::f32);
  ASSERT_EQ(pred.kernels.size(), 2u);
  const double truth = synthetic_ms(ir::extract(g, pred.kernels[0].nodes));
  EXPECT_NEAR(pred.kernels[0].ms, truth, 0.10 * truth);
  EXPECT_EQ(pred.kernels[0].macs, 14 * 14 * 40 * 9 * 20);
  EXPECT_EQ(model.source(), "predicted (kernel model p.json: xnnpack, 1 thread, on host)");
  // The same prediction from the model built in memory (the file round trip loses nothing).
  EXPECT_DOUBLE_EQ(KernelModel(p, "p.json").predict_ms(g, ir::DType::f32), model.predict_ms(g, ir::DType::f32));
  // Memoised: a second call gives the same.
  EXPECT_DOUBLE_EQ(model.predict_ms(g, ir::DType::f32), pred.total_ms);
  EXPECT_HWNAS_ERROR(model.predict(g, ir::DType::i8), "was measured in f32, not int8");
  // A graph with a group the file has no model for.
  ir::GraphBuilder b("dw");
  const ir::Graph dw = b.finish({b.depthwise(b.input({1, 8, 8, 8}), 3)});
  EXPECT_HWNAS_ERROR(model.predict(dw, ir::DType::f32), "has no model for depthwise kernels");
}

TEST(KernelModel, WholeModelScaleAndOffsetApply) {
  const KernelBank bank = trained_bank();
  PredictorFile p;
  p.fusion = rules();
  p.features = kernel_feature_names();
  for (const std::string group : {"conv", "global_pool"}) p.groups[group] = train_group(bank.group(group), {.seed = 1});
  const ir::Graph g = conv_graph(16, 16, 32, 3);
  const double raw = KernelModel(p, "p").predict_ms(g, ir::DType::f32);
  p.scale = 1.5;
  p.kernel_overhead_ms = 0.001;
  p.offset_ms = 0.25;
  p.weight_ms_per_mib = 0.1;
  p.weight_cache_mib = 0.005;
  // Two kernels (conv+bn+relu, pool): 1.5 raw - 2 x 0.001 + 0.25 + 0.1 x MiB of weights beyond
  // 0.005 MiB: the conv's 3x3x16x32 kernel plus the 32-entry bias folding the batch norm
  // creates, as f32, is 0.0177 MiB.
  const double mib = (3 * 3 * 16 * 32 + 32) * 4 / (1024.0 * 1024.0);
  EXPECT_NEAR(weight_mib(g, p.fusion, ir::DType::f32), mib, 1e-9);
  const LatencyPrediction pred = KernelModel(p, "p").predict(g, ir::DType::f32);
  EXPECT_NEAR(pred.total_ms, 1.5 * raw - 0.002 + 0.25 + 0.1 * (mib - 0.005), 1e-12);
  double kernels = 0;  // the breakdown carries the overhead and weight terms: kernels + offset = total
  for (const KernelCost& k : pred.kernels) kernels += k.ms;
  EXPECT_NEAR(kernels + 0.25, pred.total_ms, 1e-12);
  EXPECT_FALSE(KernelModel(p, "p").additive());  // the weight term depends on the whole graph
  p.weight_ms_per_mib = 0;
  EXPECT_TRUE(KernelModel(p, "p").additive());
}

TEST(LutModel, CostsOnlyTheKernelsTheRuntimeRuns) {
  // conv+bn+relu -> pool is the output; a zero of the conv (an NB201 'none' edge) feeds a
  // relu6 that feeds nothing: the relu6 is dead (no output depends on it) and the zero is a
  // constant, so the graph costs exactly what the graph without them costs.
  KernelBank bank(ir::DType::f32, fake_measure);
  const ir::Graph plain = conv_graph(8, 8, 16, 3);
  bank.add(plain, rules());
  ir::GraphBuilder b("with-dead");
  int x = b.input({1, 8, 8, 8});
  x = b.relu(b.batch_norm(b.conv(x, 16, 3)));
  b.relu6(b.zero(x));
  const ir::Graph dead = b.finish({b.global_avg_pool(x)});
  const KernelModel lut(lut_file(bank), "lut.json");
  const LatencyPrediction with_dead = lut.predict(dead, ir::DType::f32);
  EXPECT_EQ(with_dead.kernels.size(), 2u);  // conv+bn+relu, pool
  EXPECT_DOUBLE_EQ(with_dead.total_ms, lut.predict_ms(plain, ir::DType::f32));
}

TEST(WholeModelFit, RecoversKnownFactorsAndTheCacheCapacity) {
  // Points made exactly from scale 1.1, 0.002 ms per kernel, 0.05 ms offset and 0.08 ms per
  // MiB of weights beyond 8 MiB (a capacity on the fit's grid), weights 0.5 .. 36.5 MiB.
  std::vector<WholeModelPoint> points;
  for (int i = 0; i < 12; ++i) {
    const double sum = 0.2 + 0.7 * i, mib = 0.5 + 3.0 * i;
    const int kernels = 20 + 13 * ((i * 3) % 4);
    points.push_back({sum, kernels, mib, 1.1 * sum - 0.002 * kernels + 0.05 + 0.08 * std::max(0.0, mib - 8)});
  }
  PredictorFile p;
  EXPECT_NEAR(fit_whole_model(p, points), 0.0, 1e-6);
  EXPECT_NEAR(p.scale, 1.1, 1e-6);
  EXPECT_NEAR(p.kernel_overhead_ms, 0.002, 1e-6);
  EXPECT_NEAR(p.offset_ms, 0.05, 1e-6);
  EXPECT_NEAR(p.weight_ms_per_mib, 0.08, 1e-6);
  EXPECT_DOUBLE_EQ(p.weight_cache_mib, 8.0);
  EXPECT_HWNAS_ERROR(fit_whole_model(p, {}), "needs at least one measured whole architecture");
  EXPECT_HWNAS_ERROR(fit_whole_model(p, {{1.0, 3, 0.1, 0.0}}), "must be positive");
}

TEST(LutModel, LooksUpMeasuredKernelsAndNamesMissingOnes) {
  KernelBank bank(ir::DType::f32, fake_measure);
  const ir::Graph g = conv_graph(8, 8, 16, 3);
  bank.add(g, rules());
  const KernelModel lut(lut_file(bank), "lut.json");
  double sum = 0;
  for (const KernelSample& s : bank.samples()) sum += s.ms;
  EXPECT_DOUBLE_EQ(lut.predict_ms(g, ir::DType::f32), sum);
  EXPECT_EQ(lut.kind(), "lut");
  EXPECT_HWNAS_ERROR(lut.predict(conv_graph(8, 8, 24, 3), ir::DType::f32),
                     "no measured entry for kernel 'conv' (conv2d+batch_norm+relu, output [1,8,8,24])");
}

TEST(KernelModel, FactoryChecksTheFileKind) {
  const auto dir = testing::temp_dir();
  PredictorFile p;
  p.kind = "lut";
  p.features = kernel_feature_names();
  p.lut["k"] = 1.0;
  save_predictor(p, dir / "lut.json");
  EXPECT_HWNAS_ERROR(load_kernel_model("kernel", (dir / "lut.json").string()), "holds a lut predictor, not kernel");
  EXPECT_HWNAS_ERROR(load_kernel_model("kernel", ""), "needs a predictor file");
  EXPECT_EQ(load_kernel_model("lut", (dir / "lut.json").string())->kind(), "lut");
}

}  // namespace
}  // namespace hwnas::cost
