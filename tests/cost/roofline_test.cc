#include "hwnas/cost/roofline.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hand_devices.h"
#include "hwnas/ir/builder.h"
#include "hwnas/models/registry.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

using testing::hand_cpu;
using testing::hand_npu;

// input [1,8,8,4] -> conv 3x3 (8, padding 1) + BN + ReLU -> global average pool [1,1,1,8].
ir::Graph conv_pool() {
  ir::GraphBuilder b("conv_pool");
  int x = b.input({1, 8, 8, 4});
  x = b.relu(b.batch_norm(b.conv(x, 8, 3)));
  return b.finish({b.global_avg_pool(x)});
}

TEST(Roofline, HandCalculatedConvAndPool) {
  const LatencyPrediction p = RooflineModel(hand_cpu()).predict(conv_pool(), ir::DType::f32);
  ASSERT_EQ(p.kernels.size(), 2u);  // conv+bn+relu, pool
  const KernelCost& conv = p.kernels[0];
  EXPECT_EQ(conv.nodes.size(), 3u);
  // MACs = 8*8 outputs * 8 channels * (3*3*4) = 18,432; at 2 MACs/cycle * 1 GHz: 9.216 us.
  EXPECT_EQ(conv.macs, 18432);
  EXPECT_NEAR(conv.compute_ms, 0.009216, 1e-12);
  // Bytes (f32): input 256*4 = 1,024 + output 512*4 = 2,048 + weights 288*4 = 1,152
  // + the bias BN folding creates 8*4 = 32 -> 4,256 bytes at 1 GB/s: 4.256 us.
  EXPECT_EQ(conv.bytes, 4256);
  EXPECT_NEAR(conv.memory_ms, 0.004256, 1e-12);
  // max(9.216, 4.256) + 1 us overhead.
  EXPECT_NEAR(conv.ms, 0.010216, 1e-12);
  EXPECT_EQ(conv.bound, Bound::Compute);
  // Pool: 512 input elements at 1/cycle: 0.512 us; bytes 2,048 in + 32 out = 2,080: 2.08 us.
  const KernelCost& pool = p.kernels[1];
  EXPECT_NEAR(pool.compute_ms, 0.000512, 1e-12);
  EXPECT_EQ(pool.bytes, 2080);
  EXPECT_NEAR(pool.ms, 0.003080, 1e-12);
  EXPECT_EQ(pool.bound, Bound::Memory);
  EXPECT_NEAR(p.total_ms, 0.013296, 1e-12);
  EXPECT_EQ(p.source, "predicted (roofline on hand-cpu)");
  EXPECT_EQ(p.kernels[0].transfer_ms, 0);
  EXPECT_FALSE(p.kernels[0].fallback);
}

TEST(Roofline, WeightsOnTheirOwnPortAreReadInParallel) {
  // Vela's estimate: activations and weights on separate AXI ports, the slower one bounds.
  hw::Device d = hand_cpu();
  d.processors[0].weights_bandwidth_bytes_per_s = 1e8;  // weights from flash at 100 MB/s
  const LatencyPrediction p = RooflineModel(d).predict(conv_pool(), ir::DType::f32);
  const KernelCost& conv = p.kernels[0];
  // Activations 1,024 + 2,048 = 3,072 B at 1 GB/s: 3.072 us; weights 1,152 + 32 (folded bias) =
  // 1,184 B at 100 MB/s: 11.84 us. max(9.216 compute, max(3.072, 11.84)) + 1 us overhead.
  EXPECT_EQ(conv.bytes, 4256);  // both counted
  EXPECT_NEAR(conv.memory_ms, 0.01184, 1e-12);
  EXPECT_NEAR(conv.ms, 0.01284, 1e-12);
  EXPECT_EQ(conv.bound, Bound::Memory);
  // The pool has no weights: 2,080 activation bytes at 1 GB/s as before.
  EXPECT_NEAR(p.kernels[1].memory_ms, 0.00208, 1e-12);
  // A fast weights port takes the weights off the activations' port: 3.072 us instead of the
  // shared 4.256 us.
  d.processors[0].weights_bandwidth_bytes_per_s = 1e10;
  EXPECT_NEAR(RooflineModel(d).predict(conv_pool(), ir::DType::f32).kernels[0].memory_ms, 0.003072, 1e-12);
}

TEST(Roofline, WeightsPastTheCacheAreFetchedEveryInference) {
  // The Edge TPU keeps ~8 MB of parameters on chip; the rest streams from host memory each run.
  hw::Device d = hand_cpu();
  d.processors[0].weights_cache_bytes = 1000;
  d.processors[0].streamed_weights_bytes_per_s = 1e7;  // 10 MB/s
  const LatencyPrediction p = RooflineModel(d).predict(conv_pool(), ir::DType::f32);
  // The conv's 1,184 weight bytes: 1,000 cached, 184 streamed at 10 MB/s: 18.4 us on top of the
  // 4,256 B read at 1 GB/s (4.256 us). max(9.216 compute, 22.656) + 1 us overhead.
  EXPECT_NEAR(p.kernels[0].memory_ms, 0.022656, 1e-12);
  EXPECT_NEAR(p.kernels[0].ms, 0.023656, 1e-12);
  EXPECT_EQ(p.kernels[0].bound, Bound::Memory);
  EXPECT_NEAR(p.kernels[1].memory_ms, 0.00208, 1e-12);  // no weights, nothing streamed
  // A cache that holds every weight changes nothing.
  d.processors[0].weights_cache_bytes = 1184;
  EXPECT_NEAR(RooflineModel(d).predict(conv_pool(), ir::DType::f32).total_ms,
              RooflineModel(hand_cpu()).predict(conv_pool(), ir::DType::f32).total_ms, 1e-15);
}

TEST(Roofline, Int8UsesItsRateAndOneByteTensors) {
  const LatencyPrediction p = RooflineModel(hand_cpu()).predict(conv_pool(), ir::DType::i8);
  const KernelCost& conv = p.kernels[0];
  // 18,432 MACs at 8/cycle: 2.304 us. Bytes: 256 + 512 + 288 weights + 8*4 int32 biases = 1,088.
  EXPECT_NEAR(conv.compute_ms, 0.002304, 1e-12);
  EXPECT_EQ(conv.bytes, 1088);
  // The pool has no int8 rate: it falls back to the f32 one (512 elements: 0.512 us).
  EXPECT_NEAR(p.kernels[1].compute_ms, 0.000512, 1e-12);
}

TEST(Roofline, CyclesPerOutputAddToComputeForEveryValueWritten) {
  hw::Device d = hand_cpu();
  d.processors[0].cycles_per_output[{hw::OpClass::Conv, ir::DType::i8}] = 10;
  const LatencyPrediction p = RooflineModel(d).predict(conv_pool(), ir::DType::i8);
  // 2.304 us of MACs + 512 outputs (8x8x8, after the fused BN and ReLU) x 10 cycles at 1 GHz =
  // 5.12 us: 7.424 us. The pool has no per-output figure: unchanged.
  EXPECT_NEAR(p.kernels[0].compute_ms, 0.007424, 1e-12);
  EXPECT_NEAR(p.kernels[1].compute_ms, 0.000512, 1e-12);
}

TEST(Roofline, InvokeOverheadIsPaidOncePerInference) {
  hw::Device d = hand_cpu();
  d.processors[0].invoke_overhead_s = 50e-6;
  EXPECT_NEAR(RooflineModel(d).predict(conv_pool(), ir::DType::f32).total_ms, 0.013296 + 0.05, 1e-12);
}

TEST(Roofline, FallbackPaysTransfersBothWays) {
  // input [1,4,4,2] -> conv 1x1 (8) -> hardswish (not on the NPU) -> conv 1x1 (8).
  ir::GraphBuilder b("fallback");
  int x = b.input({1, 4, 4, 2});
  x = b.conv(b.hardswish(b.conv(x, 8, 1)), 8, 1);
  const ir::Graph g = b.finish({x});
  const LatencyPrediction p = RooflineModel(hand_npu()).predict(g, ir::DType::f32);
  ASSERT_EQ(p.kernels.size(), 3u);
  EXPECT_FALSE(p.kernels[0].fallback);
  EXPECT_EQ(p.kernels[0].transfer_ms, 0);
  const KernelCost& hs = p.kernels[1];
  EXPECT_TRUE(hs.fallback);
  EXPECT_EQ(hs.processor, 1);
  // Its input (4*4*8 = 128 f32 = 512 bytes) comes from the NPU and its output goes back to
  // it: 2 x (512 B / 100 MB/s + 10 us) = 2 x 15.12 us.
  EXPECT_NEAR(hs.transfer_ms, 0.03024, 1e-12);
  // On the CPU: 128 elements at 1 GHz = 0.128 us; 1,024 bytes at 1 GB/s = 1.024 us; + 1 us.
  EXPECT_NEAR(hs.ms, 0.001024 + 0.001 + 0.03024, 1e-12);
  EXPECT_EQ(hs.bound, Bound::Transfer);
  // The second conv runs on the NPU: 16*8*8 = 1,024 MACs at 20/cycle = 0.0512 us; bytes
  // 512 + 512 + 256 weights = 1,280 at 10 GB/s = 0.128 us; + 1 us overhead.
  EXPECT_FALSE(p.kernels[2].fallback);
  EXPECT_NEAR(p.kernels[2].ms, 0.000128 + 0.001, 1e-12);
  EXPECT_EQ(p.kernels[2].bound, Bound::Overhead);
}

TEST(Roofline, FallbackAtTheGraphEdgesTransfersInputAndResult) {
  // A lone sigmoid on the NPU device: it reads the graph input (handed to the NPU) and its
  // result is read by the application from the NPU side: 2 transfers of 16 f32 = 64 bytes.
  ir::GraphBuilder b("edge");
  const ir::Graph g = b.finish({b.sigmoid(b.input({1, 2, 2, 4}))});
  const LatencyPrediction p = RooflineModel(hand_npu()).predict(g, ir::DType::f32);
  ASSERT_EQ(p.kernels.size(), 1u);
  EXPECT_NEAR(p.kernels[0].transfer_ms, 2 * (64 / 1e8 + 1e-5) * 1e3, 1e-12);
}

TEST(Roofline, ActivationTheNpuCannotFuseIsItsOwnKernelOnTheCpu) {
  // relu6 follows the conv, but the NPU fuses only ReLU: the rules join them, the placement
  // cuts them apart again.
  ir::GraphBuilder b("cut");
  const ir::Graph g = b.finish({b.relu6(b.batch_norm(b.conv(b.input({1, 4, 4, 2}), 8, 1)))});
  const LatencyPrediction p = RooflineModel(hand_npu()).predict(g, ir::DType::f32);
  ASSERT_EQ(p.kernels.size(), 2u);
  EXPECT_EQ(p.kernels[0].nodes.size(), 2u);  // conv + bn
  EXPECT_TRUE(p.kernels[1].fallback);
}

TEST(Roofline, MoreMacsAreNeverFaster) {
  const RooflineModel cpu(hand_cpu()), npu(hand_npu());
  for (const RooflineModel* m : {&cpu, &npu}) {
    double previous = 0;
    for (int c = 4; c <= 256; c += 4) {
      ir::GraphBuilder b("wide");
      const ir::Graph g = b.finish({b.relu(b.conv(b.input({1, 16, 16, 8}), c, 3))});
      const double ms = m->predict_ms(g, ir::DType::f32);
      EXPECT_GE(ms, previous) << "channels " << c;
      previous = ms;
    }
  }
}

TEST(Roofline, EveryBuiltinModelPredictsFiniteOnEveryDevice) {
  const RooflineModel cpu(hand_cpu()), npu(hand_npu());
  for (const std::string& name : models::builtin_model_names()) {
    const ir::Graph g = models::builtin_model(name);
    for (const RooflineModel* m : {&cpu, &npu})
      for (ir::DType t : {ir::DType::f32, ir::DType::i8}) {
        const LatencyPrediction p = m->predict(g, t);
        double sum = 0;
        for (const KernelCost& k : p.kernels) sum += k.ms;
        EXPECT_TRUE(std::isfinite(p.total_ms) && p.total_ms > 0) << name;
        EXPECT_NEAR(p.total_ms, sum, 1e-9 * sum) << name;
      }
  }
}

TEST(Roofline, EveryBuiltinDeviceLoadsAndPredictsEveryBuiltinModel) {
  for (const std::string& device : hw::builtin_device_names()) {
    const RooflineModel m(hw::load_device(device));
    EXPECT_EQ(m.source(), "predicted (roofline on " + device + ")");
    for (const std::string& name : models::builtin_model_names()) {
      const double ms = m.predict_ms(models::builtin_model(name), m.device().default_dtype);
      EXPECT_TRUE(std::isfinite(ms) && ms > 0) << name << " on " << device;
    }
  }
}

TEST(Roofline, EveryNodeIsInExactlyOneKernel) {
  const ir::Graph g = models::builtin_model("mobilenetv2-1.0");
  const LatencyPrediction p = RooflineModel(hand_npu()).predict(g, ir::DType::f32);
  std::vector<int> seen(g.size(), 0);
  for (const KernelCost& k : p.kernels)
    for (int id : k.nodes) ++seen[id];
  for (int id = 0; id < g.size(); ++id) EXPECT_EQ(seen[id], g.node(id).op == ir::OpKind::Input ? 0 : 1) << id;
}

TEST(Roofline, BadProfilesAreNamed) {
  hw::Device d = hand_cpu();
  d.processors[0].clock_hz = 0;
  EXPECT_HWNAS_ERROR(RooflineModel{d}, "device 'hand-cpu': processors[0] (cpu): clock_hz is 0");
  d = hand_cpu();
  d.processors[0].bandwidth_bytes_per_s = 0;
  EXPECT_HWNAS_ERROR(RooflineModel{d}, "bandwidth is 0");
  d = hand_npu();
  d.fallback.transfer_bytes_per_s = 0;
  EXPECT_HWNAS_ERROR(RooflineModel{d}, "device 'hand-npu': fallback: transfer rate is 0");
  d = hand_cpu();
  d.processors.clear();
  EXPECT_HWNAS_ERROR(RooflineModel{d}, "has no processors");
}

TEST(Roofline, FingerprintFollowsTheProfile) {
  hw::Device d = hand_cpu();
  const std::string before = RooflineModel(d).fingerprint();
  EXPECT_EQ(before, RooflineModel(d).fingerprint());
  d.processors[0].clock_hz = 2e9;
  EXPECT_NE(before, RooflineModel(d).fingerprint());
}

}  // namespace
}  // namespace hwnas::cost
