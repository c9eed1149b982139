// measure::profile_model and its pieces. Traffic, rates and bounds are checked against hand
// calculations on a tiny graph and a hand-made roofline; the timed tests assert only what
// does not depend on how fast anything ran (rows, shares, keys, fallbacks).
#include "hwnas/measure/profile.h"

#include <numeric>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/csv.h"
#include "hwnas/ir/builder.h"
#include "hwnas/measure/profile_fusion.h"
#include "hwnas/models/registry.h"
#include "testing.h"

namespace hwnas::measure {
namespace {

using ::testing::HasSubstr;

// input [1,8,8,4] -> conv 3x3 (8) -> bn -> relu6 -> global pool -> fc 10 (with bias)
ir::Graph tiny(bool with_concat = false) {
  ir::GraphBuilder b("tiny");
  const int x = b.input({1, 8, 8, 4}, "x");
  int y = b.relu6(b.batch_norm(b.conv(x, 8, 3, 1, {}, "conv"), 1e-5f, "bn"), "act");
  if (with_concat) y = b.concat({x, y}, -1, "cat");
  return b.finish({b.fc(b.global_avg_pool(y, "gap"), 10, true, "fc")});
}

// peak 10 GMAC/s; up to 4096 bytes at 20 GB/s (ridge 0.5 MAC/B), beyond at 5 GB/s (ridge 2).
Roofline hand_roofline() {
  return {.peak_macs_per_s = 10e9,
          .levels = {{.name = "L2", .max_bytes = 4096, .bytes_per_s = 20e9},
                     {.name = "DRAM", .max_bytes = 0, .bytes_per_s = 5e9}},
          .source = "hand-made"};
}

TEST(KernelTraffic, ConvBatchNormRelu6ByHand) {
  const ir::Graph g = tiny();
  const auto ks = ir::split_kernels(g, backend_fusion("xnnpack").rules);
  ASSERT_EQ(ks.size(), 3u);  // conv+bn+relu6, gap, fc
  ASSERT_EQ(ks[0].type, "conv2d+batch_norm+relu6");
  const ir::Stats s = ir::compute_stats(g);
  const KernelTraffic f32 = kernel_traffic(g, s, ks[0], ir::DType::f32);
  // MACs = 8*8 outputs * 3*3*4 taps * 8 channels = 18432.
  EXPECT_EQ(f32.macs, 18432);
  // In: x = 8*8*4 floats = 1024 B; out: relu6 = 8*8*8 floats = 2048 B (conv and bn are internal);
  // weights: 3*3*4*8 = 288 + 8 biases made by folding the BN = 296 floats = 1184 B.
  EXPECT_EQ(f32.bytes_in, 1024);
  EXPECT_EQ(f32.bytes_out, 2048);
  EXPECT_EQ(f32.weight_bytes, 1184);
  EXPECT_EQ(f32.bytes(), 4256);
  EXPECT_DOUBLE_EQ(f32.intensity(), 18432.0 / 4256.0);
  // int8: 256 B in, 512 B out, 288 B of weights + 8 int32 biases = 320 B.
  const KernelTraffic i8 = kernel_traffic(g, s, ks[0], ir::DType::i8);
  EXPECT_EQ(i8.bytes(), 256 + 512 + 320);
  // fc: 8 inputs * 10 units = 80 MACs; in 8 floats, out 10 floats, 80 weights + 10 biases.
  const KernelTraffic fc = kernel_traffic(g, s, ks[2], ir::DType::f32);
  EXPECT_EQ(fc.macs, 80);
  EXPECT_EQ(fc.bytes(), 4 * (8 + 10 + 80 + 10));
}

TEST(KernelTraffic, ATensorReadTwiceIsMovedOnceAndEveryOutsideReaderGetsAnOutput) {
  // add(x, x) reads x once from memory; {conv} read by relu and add writes one tensor.
  ir::GraphBuilder b("twice");
  const int x = b.input({1, 4, 4, 2}, "x");
  const int c = b.conv(x, 2, 1, 1, {}, "conv");
  const int a = b.add({b.relu(c, "relu"), c}, "add");
  const int d = b.add({x, x}, "double");
  const ir::Graph g = b.finish({a, d});
  const ir::Stats s = ir::compute_stats(g);
  const KernelTraffic dbl = kernel_traffic(g, s, {.nodes = {d}, .name = "double", .type = "add"}, ir::DType::f32);
  EXPECT_EQ(dbl.bytes_in, 4 * 4 * 2 * 4);  // 32 floats once, not twice
  EXPECT_EQ(dbl.bytes_out, 4 * 4 * 2 * 4);
  const KernelTraffic conv = kernel_traffic(g, s, {.nodes = {c}, .name = "conv", .type = "conv2d"}, ir::DType::f32);
  EXPECT_EQ(conv.bytes_out, 4 * 4 * 2 * 4);
}

TEST(Roofline, BoundAndRoofTimeAgainstAHandMadeRoofline) {
  const Roofline r = hand_roofline();
  EXPECT_NO_THROW(check_roofline(r));
  EXPECT_EQ(r.level_for(4096).name, "L2");
  EXPECT_EQ(r.level_for(4097).name, "DRAM");
  EXPECT_DOUBLE_EQ(r.ridge(r.levels[0]), 0.5);
  EXPECT_DOUBLE_EQ(r.ridge(r.levels[1]), 2.0);
  EXPECT_EQ(bound(18432, 4256, r), Bound::Compute);  // DRAM: 4.33 MAC/B >= 2
  EXPECT_EQ(bound(80, 432, r), Bound::Memory);       // L2: 0.19 MAC/B < 0.5
  // The same intensity, 1 MAC/B, is compute-bound in L2 (ridge 0.5) and memory-bound from DRAM (2).
  EXPECT_EQ(bound(1000, 1000, r), Bound::Compute);
  EXPECT_EQ(bound(10000, 10000, r), Bound::Memory);
  EXPECT_EQ(bound(20000, 10000, r), Bound::Compute);  // exactly at the DRAM ridge: the compute roof
  EXPECT_EQ(bound(0, 0, r), Bound::Memory);           // no MACs: nothing to compute
  // max(18432 / 1e10 s, 4256 / 5e9 s) = max(1.8432 us, 0.8512 us) = 1.8432e-3 ms.
  EXPECT_NEAR(roof_ms(18432, 4256, r), 1.8432e-3, 1e-12);
  // Memory side, in L2: max(80 / 1e10, 432 / 2e10) = max(8 ns, 21.6 ns) = 2.16e-5 ms.
  EXPECT_NEAR(roof_ms(80, 432, r), 2.16e-5, 1e-15);
  EXPECT_EQ(bound_name(Bound::Compute), "compute-bound");
  EXPECT_EQ(bound_name(Bound::Memory), "memory-bound");
}

TEST(Roofline, DepthwiseKernelsUseTheirOwnPeak) {
  Roofline r = hand_roofline();
  r.depthwise_peak_macs_per_s = 2e9;  // DRAM ridge for depthwise: 2e9 / 5e9 = 0.4 MAC/B
  EXPECT_DOUBLE_EQ(r.peak_for(ir::OpKind::DepthwiseConv2D), 2e9);
  EXPECT_DOUBLE_EQ(r.peak_for(ir::OpKind::FullyConnected), 10e9);
  EXPECT_DOUBLE_EQ(r.ridge(r.levels[1], ir::OpKind::DepthwiseConv2D), 0.4);
  // 18432 MACs over 4256 B (4.3 MAC/B): max(18432 / 2e9 s, 4256 / 5e9 s) = 9.216 us.
  EXPECT_NEAR(roof_ms(18432, 4256, r, ir::OpKind::DepthwiseConv2D), 9.216e-3, 1e-12);
  // 3000 MACs over 10000 B from DRAM: 0.3 MAC/B is below the depthwise ridge of 0.4, and
  // 5000 MACs (0.5 MAC/B) above it while below the dense ridge of 2.
  EXPECT_EQ(bound(3000, 10000, r, ir::OpKind::DepthwiseConv2D), Bound::Memory);
  EXPECT_EQ(bound(5000, 10000, r, ir::OpKind::DepthwiseConv2D), Bound::Compute);
  EXPECT_EQ(bound(5000, 10000, r, ir::OpKind::Conv2D), Bound::Memory);
  r.depthwise_peak_macs_per_s = 0;  // 0: the dense peak
  EXPECT_DOUBLE_EQ(r.peak_for(ir::OpKind::DepthwiseConv2D), 10e9);
}

TEST(Roofline, NonPositiveFiguresAreRejected) {
  EXPECT_HWNAS_ERROR(check_roofline(Roofline::flat(0, 1, "x")), "peak MAC rate");
  EXPECT_HWNAS_ERROR(check_roofline(Roofline::flat(1, -1, "x")), "bandwidth of memory");
  EXPECT_HWNAS_ERROR(check_roofline({.peak_macs_per_s = 1, .levels = {}, .source = "x"}), "no memory bandwidth");
  Roofline negative_dw = hand_roofline();
  negative_dw.depthwise_peak_macs_per_s = -1;
  EXPECT_HWNAS_ERROR(check_roofline(negative_dw), "depthwise peak");
  Roofline bounded_last = hand_roofline();
  bounded_last.levels.pop_back();
  EXPECT_HWNAS_ERROR(check_roofline(bounded_last), "only the last level");
  Roofline shrinking = hand_roofline();
  shrinking.levels.insert(shrinking.levels.begin() + 1, {.name = "L3", .max_bytes = 100, .bytes_per_s = 1e9});
  EXPECT_HWNAS_ERROR(check_roofline(shrinking), "levels must grow");
}

TEST(Roofline, MeasuredHasAPeakAndALevelPerCacheThenDram) {
  const Roofline r = measure_roofline({.backend = "xnnpack", .threads = 1, .pin = false, .budget_s = 0.05});
  EXPECT_NO_THROW(check_roofline(r));  // positive rates, levels growing, the last unbounded
  EXPECT_EQ(r.levels.back().name, "DRAM");
  EXPECT_THAT(r.source, HasSubstr("measured on xnnpack f32, 1 thread"));
  EXPECT_THAT(r.source, HasSubstr("conv 28x28"));
}

TEST(FillRates, AchievedRatesAndFractionOfTheRoof) {
  KernelProfile k;
  k.traffic.macs = 18432;
  k.traffic.bytes_in = 4256;  // all bytes in one field: only the total matters here
  k.time.median = 0.01;       // 10 us
  fill_rates(k, hand_roofline(), ir::OpKind::Conv2D);
  // 18432 MACs / 1e-5 s = 1.8432 GMAC/s; 4256 B / 1e-5 s = 0.4256 GB/s.
  EXPECT_NEAR(k.gmacs_per_s, 1.8432, 1e-12);
  EXPECT_NEAR(k.gb_per_s, 0.4256, 1e-12);
  EXPECT_EQ(k.bound, Bound::Compute);
  EXPECT_EQ(k.memory_level, "DRAM");
  EXPECT_NEAR(k.roof_fraction, 1.8432e-3 / 0.01, 1e-12);
}

TEST(Profile, SlowestAndAdditivityByHand) {
  Profile p;
  for (double ms : {2.0, 5.0, 1.0, 5.0}) {
    KernelProfile k;
    k.time.median = ms;
    p.kernels.push_back(k);
    p.sum_ms += ms;
  }
  p.whole.timing.summary.median = 10.0;
  EXPECT_EQ(p.slowest(-1), (std::vector<int>{1, 3, 0, 2}));  // ties keep graph order
  EXPECT_EQ(p.slowest(2), (std::vector<int>{1, 3}));
  EXPECT_DOUBLE_EQ(p.additivity_error(), 0.3);  // (13 - 10) / 10
}

ProfileOptions quick(std::string backend = "xnnpack") {
  ProfileOptions o;
  o.backend = std::move(backend);
  o.pin = false;
  o.kernel_budget_s = 0.02;
  o.whole_budget_s = 0.05;
  o.roofline = hand_roofline();
  return o;
}

TEST(ProfileModel, OneRowPerKernelSharesSumToOneAndJsonKeys) {
  const Profile p = profile_model(tiny(), quick());
  ASSERT_EQ(p.kernels.size(), 3u);
  EXPECT_EQ(p.kernels[0].nodes, (std::vector<std::string>{"conv", "bn", "act"}));
  EXPECT_EQ(p.kernels[1].kernel.name, "gap");
  EXPECT_EQ(p.kernels[2].kernel.name, "fc");
  double shares = 0, sum = 0;
  for (const KernelProfile& k : p.kernels) {
    EXPECT_GT(k.time.median, 0);
    EXPECT_GE(k.time.runs, 1);
    shares += k.share;
    sum += k.time.median;
  }
  EXPECT_NEAR(shares, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(p.sum_ms, sum);
  EXPECT_EQ(p.kernels[0].traffic.macs, 18432);
  EXPECT_EQ(p.kernels[0].bound, Bound::Compute);  // 4256 B: DRAM, 4.3 MAC/B >= ridge 2
  EXPECT_EQ(p.kernels[1].bound, Bound::Memory);   // pooling: no MACs
  EXPECT_GT(p.whole.timing.summary.median, 0);
  EXPECT_THAT(p.fusion, HasSubstr("XNNPACK"));

  const auto j = to_json(p, 2);
  for (const char* key :
       {"model", "source", "backend", "dtype", "threads", "fusion", "roofline", "whole", "sum_of_kernels_ms",
        "additivity_error", "noisy_kernels", "fallback_nodes", "bottlenecks", "kernels"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["source"], "measured");
  ASSERT_EQ(j["roofline"]["levels"].size(), 2u);
  EXPECT_EQ(j["roofline"]["levels"][1]["ridge_macs_per_byte"], 2.0);
  EXPECT_EQ(j["roofline"]["source"], "hand-made");
  EXPECT_EQ(j["bottlenecks"].size(), 2u);
  EXPECT_TRUE(j["whole"].contains("median_ms"));
  ASSERT_EQ(j["kernels"].size(), 3u);
  for (const char* key : {"name",      "type",         "nodes",     "dtype",        "median_ms",     "p10_ms",
                          "p90_ms",    "cv",           "runs",      "noisy",        "share",         "macs",
                          "bytes",     "bytes_in",     "bytes_out", "weight_bytes", "gmacs_per_s",   "gb_per_s",
                          "intensity", "memory_level", "bound",     "roof_ms",      "roof_fraction", "fallback"})
    EXPECT_TRUE(j["kernels"][0].contains(key)) << key;
  EXPECT_EQ(j["kernels"][0]["bytes"], 4256);
  EXPECT_EQ(j["kernels"][0]["bound"], "compute-bound");

  // The CSV has the same columns, one row per kernel, and parses back.
  const core::CsvTable csv = core::parse_csv(to_csv(p), "profile.csv");
  ASSERT_EQ(csv.rows.size(), 3u);
  EXPECT_EQ(csv.header.size(), j["kernels"][0].size());
  EXPECT_EQ(csv.rows[0][csv.column("nodes")], "conv;bn;act");
  EXPECT_EQ(csv.number(0, csv.column("macs")), 18432);
}

TEST(ProfileModel, FallbackNodesAreNamedPerKernelAndForTheModel) {
  const Profile p = profile_model(tiny(/*with_concat=*/true), quick());
  EXPECT_EQ(p.whole.fallback_names, (std::vector<std::string>{"cat"}));
  int with_fallback = 0;
  for (const KernelProfile& k : p.kernels)
    if (!k.fallback.empty()) {
      ++with_fallback;
      EXPECT_EQ(k.kernel.name, "cat");
      EXPECT_EQ(k.fallback, (std::vector<std::string>{"cat"}));
    }
  EXPECT_EQ(with_fallback, 1);
}

TEST(ProfileModel, Int8KernelsCountBytesInTheirDtype) {
  ProfileOptions o = quick();
  o.dtype = ir::DType::i8;
  const Profile p = profile_model(tiny(), o);
  ASSERT_EQ(p.kernels.size(), 3u);
  EXPECT_EQ(p.kernels[0].traffic.dtype, ir::DType::i8);  // xnnpack quantizes conv
  EXPECT_EQ(p.kernels[0].traffic.bytes(), 1088);         // as in ConvBatchNormRelu6ByHand
}

TEST(ProfileModel, CallersRulesAreUsedAndBadBudgetsRejected) {
  ProfileOptions o = quick("reference");
  o.rules = ir::FusionRules::batchnorm_only();
  o.fusion_description = "mine";
  const Profile p = profile_model(tiny(), o);
  EXPECT_EQ(p.kernels.size(), 4u);  // conv+bn, relu6, gap, fc
  EXPECT_EQ(p.fusion, "mine");
  o.kernel_budget_s = 0;
  EXPECT_HWNAS_ERROR(profile_model(tiny(), o), "time budgets must be positive");
}

// A model's own weights (a trained directory) reach every kernel; a piece whose input is named
// after a node with weights (relu6 reads "bn" once conv+bn is its own kernel) takes none of them.
TEST(ProfileModel, GivenWeightsAreSharedAmongTheKernels) {
  ProfileOptions o = quick("reference");
  o.rules = ir::FusionRules::batchnorm_only();
  o.weights = runtime::init_weights(tiny(), {.seed = 3, .random_bn_stats = true});
  const Profile p = profile_model(tiny(), o);
  EXPECT_EQ(p.kernels.size(), 4u);
  o.weights->nodes.erase("fc");
  EXPECT_HWNAS_ERROR(profile_model(tiny(), o), "fc");  // the whole model's check names the node
}

TEST(BackendFusion, XnnpackClampsIntoProducersThatHaveAnOutputClamp) {
  const BackendFusion x = backend_fusion("xnnpack");
  EXPECT_TRUE(x.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::Relu6));
  EXPECT_TRUE(x.rules.fuses(ir::OpKind::DepthwiseConv2D, ir::OpKind::Relu));
  EXPECT_TRUE(x.rules.fuses(ir::OpKind::Add, ir::OpKind::Relu));
  EXPECT_FALSE(x.rules.fuses(ir::OpKind::GlobalAvgPool, ir::OpKind::Relu));  // no clamp in XNNPACK's global pool
  EXPECT_FALSE(x.rules.fuses(ir::OpKind::Conv2D, ir::OpKind::HardSwish));    // only clamps fuse
  EXPECT_TRUE(backend_fusion("reference").rules.pairs.empty());
}

TEST(BackendFusion, MobileNetV2SplitsIntoItsPublishedLayers) {
  // Sandler et al. 2018, Table 2: stem conv, 17 bottlenecks (the first without expansion:
  // 2 convs, the other 16: 3 convs) and the final 1x1 conv = 1 + 2 + 48 + 1 = 52 convs, each
  // with its BN and (but for the projections) relu6 in one kernel; residual adds where a
  // stage repeats (n = 1,2,3,4,3,3,1: 0+1+2+3+2+2+0 = 10); global pool; classifier.
  const ir::Graph g = models::builtin_model("mobilenetv2-1.0");
  const auto ks = ir::split_kernels(g, backend_fusion("xnnpack").rules);
  int convs = 0, adds = 0, other = 0;
  for (const ir::Kernel& k : ks) {
    const ir::OpKind op = g.node(k.nodes.front()).op;
    if (op == ir::OpKind::Conv2D || op == ir::OpKind::DepthwiseConv2D) ++convs;
    else if (op == ir::OpKind::Add) ++adds;
    else ++other;
  }
  EXPECT_EQ(convs, 52);
  EXPECT_EQ(adds, 10);
  EXPECT_EQ(other, 2);  // global pool, fc
}

}  // namespace
}  // namespace hwnas::measure
