#include <gtest/gtest.h>

#include "hwnas/hw/device.h"
#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::hw {
namespace {

using ir::DType;
using testing::node;

// An accelerator that runs 3x3 int8 convs (fusing relu only), standalone relu6 and add; the
// CPU runs the rest.
constexpr const char* kAccel = R"(name: accel
processors:
  acc:
    clock_mhz: 500
    per_cycle: {conv: {int8: 64}, depthwise: {int8: 8}, fc: {int8: 8}, elementwise: {int8: 4}, pool: {int8: 4}, data: {int8: 4}}
    bandwidth_gb_s: 2
    active_power_mw: 100
    ops:
      - op: conv2d
        kernels: [3]
        strides: [1]
        dtypes: [int8]
        channel_alignment: 8
        fused_activations: [relu]
      - op: relu6
      - op: add
  cpu:
    clock_mhz: 1000
    per_cycle: {conv: 2, depthwise: 1, fc: 1, elementwise: 1, pool: 1, data: 1}
    bandwidth_gb_s: 4
    active_power_mw: 300
fallback: {processor: cpu, transfer_gb_s: 1, transfer_overhead_us: 10}
power: {idle_mw: 1}
)";

int id(const ir::Graph& g, std::string_view name) { return *g.find(name); }

TEST(Place, ConvWithFoldedBatchNormAndFusedRelu) {
  const Device d = parse_device(kAccel, "accel.yaml");
  ir::GraphBuilder b("g");
  int x = b.input({1, 8, 8, 8});
  x = b.relu(b.batch_norm(b.conv(x, 16, 3, 1, {}, "conv"), 1e-5f, "bn"), "relu");
  const ir::Graph g = b.finish({x});
  const auto p = place_all(d, g, DType::i8);
  EXPECT_EQ(p[id(g, "bn")].follows, id(g, "conv"));
  EXPECT_EQ(p[id(g, "relu")].follows, id(g, "conv"));
  for (const char* n : {"input", "conv", "bn", "relu"}) {
    EXPECT_TRUE(p[id(g, n)].native) << n << ": " << p[id(g, n)].reason;
    EXPECT_EQ(p[id(g, n)].processor, 0) << n;
  }
  EXPECT_EQ(place(d, g, id(g, "relu"), DType::i8).processor, 0);
}

TEST(Place, UnfusedActivationNeedsItsOwnEntry) {
  const Device d = parse_device(kAccel, "accel.yaml");
  ir::GraphBuilder b("g");
  int x = b.input({1, 8, 8, 8});
  const int c1 = b.conv(x, 16, 3, 1, {}, "c1");
  const int r6 = b.relu6(c1, "r6");  // not fusable into the conv, but a standalone entry
  const int c2 = b.conv(r6, 16, 3, 1, {}, "c2");
  const int hs = b.hardswish(c2, "hs");  // neither fused nor an entry: falls back
  const ir::Graph g = b.finish({hs});
  const auto p = place_all(d, g, DType::i8);
  EXPECT_TRUE(p[id(g, "r6")].native);
  EXPECT_EQ(p[id(g, "r6")].processor, 0);
  EXPECT_FALSE(p[id(g, "hs")].native);
  EXPECT_EQ(p[id(g, "hs")].processor, 1);
  EXPECT_EQ(p[id(g, "hs")].reason, "hardswish is not in acc's operator set");
}

TEST(Place, ParameterLimitsAndWhatFollowsAFallback) {
  const Device d = parse_device(kAccel, "accel.yaml");
  ir::GraphBuilder b("g");
  int x = b.input({1, 8, 8, 8});
  const int k5 = b.relu(b.batch_norm(b.conv(x, 16, 5, 1, {}, "k5"), 1e-5f, "k5.bn"), "k5.relu");
  const int s2 = b.conv(k5, 16, 3, 2, {}, "s2");
  const int c12 = b.conv(s2, 12, 3, 1, {}, "c12");
  const ir::Graph g = b.finish({c12});
  const auto p = place_all(d, g, DType::i8);
  EXPECT_EQ(p[id(g, "k5")].reason, "kernel 5 not in [3]");
  // The BN folds into the conv and the relu fuses into it on the CPU, so they go along.
  EXPECT_EQ(p[id(g, "k5.bn")].processor, 1);
  EXPECT_EQ(p[id(g, "k5.bn")].reason, "folded into 'k5', which falls back: kernel 5 not in [3]");
  EXPECT_EQ(p[id(g, "k5.bn")].follows, id(g, "k5"));
  EXPECT_EQ(p[id(g, "k5")].follows, -1);
  EXPECT_EQ(p[id(g, "k5.relu")].reason, "fused into 'k5', which falls back: kernel 5 not in [3]");
  EXPECT_EQ(p[id(g, "k5.relu")].follows, id(g, "k5"));  // through the folded batch_norm
  EXPECT_EQ(p[id(g, "s2")].reason, "stride 2 not in [1]");
  EXPECT_EQ(p[id(g, "c12")].reason, "12 output channels not a multiple of 8");
  // f32 is not in the conv's dtypes (checked after kernel and stride, before channels).
  EXPECT_EQ(place_all(d, g, DType::f32)[id(g, "c12")].reason, "f32 not supported (only int8)");
}

TEST(Place, ActivationWithTwoReadersOfItsProducerIsNotFused) {
  const Device d = parse_device(kAccel, "accel.yaml");
  ir::GraphBuilder b("g");
  int x = b.input({1, 8, 8, 8});
  const int c = b.conv(x, 8, 3, 1, {}, "c");
  const int r = b.relu(c, "r");  // c is also read by the add: the relu cannot be the conv's clamp
  const ir::Graph g = b.finish({b.add({c, r}, "sum")});
  const auto p = place_all(d, g, DType::i8);
  EXPECT_FALSE(p[id(g, "r")].native);
  EXPECT_EQ(p[id(g, "r")].reason, "relu is not in acc's operator set");
  EXPECT_TRUE(p[id(g, "sum")].native);
}

TEST(Place, NoFallbackMeansAnErrorNamingTheNode) {
  const Device d = parse_device(std::string(kAccel).substr(0, std::string(kAccel).find("fallback:")), "accel.yaml");
  ir::GraphBuilder b("g");
  const ir::Graph g = b.finish({b.hardswish(b.input({1, 4, 4, 8}), "hs")});
  EXPECT_HWNAS_ERROR(place_all(d, g, DType::i8),
                     "node 'hs' (hardswish): cannot run on accel (hardswish is not in acc's operator set), and the "
                     "device has no fallback processor");
  EXPECT_HWNAS_ERROR(place(d, g, 7, DType::i8), "no node 7");
  EXPECT_TRUE(place(d, g, 0, DType::i8).native);  // the input does not depend on the hardswish after it
}

TEST(Place, CpuRunsEverything) {
  const Device d = load_device("cortex-m7");
  ir::GraphBuilder b("g");
  int x = b.input({1, 16, 16, 8});
  x = b.hardswish(b.depthwise(x, 7, 2));
  const ir::Graph g = b.finish({b.softmax(b.flatten(x))});
  for (const auto& p : place_all(d, g, DType::i8)) EXPECT_TRUE(p.native);
}

}  // namespace
}  // namespace hwnas::hw
