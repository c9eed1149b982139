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

// kAccel with the Edge TPU compiler's partition rule.
std::string single_cut_accel() { return std::string(kAccel) + "partition: single_cut\n"; }

// A diamond: c1 feeds a native branch (c2) and a branch with an unsupported hardswish (hs ->
// c3); the two meet in an add read by c4 (with a fused relu) and by a second hardswish. Node
// order (the builder's): input, c1, c2, hs, c3, sum, c4, c4.relu, hs2.
ir::Graph diamond() {
  ir::GraphBuilder b("diamond");
  const int x = b.input({1, 8, 8, 8});
  const int c1 = b.conv(x, 8, 3, 1, {}, "c1");
  const int c2 = b.conv(c1, 8, 3, 1, {}, "c2");
  const int hs = b.hardswish(c1, "hs");
  const int c3 = b.conv(hs, 8, 3, 1, {}, "c3");
  const int sum = b.add({c2, c3}, "sum");
  const int c4 = b.relu(b.conv(sum, 8, 3, 1, {}, "c4"), "c4.relu");
  return b.finish({c4, b.hardswish(sum, "hs2")});
}

TEST(PlaceSingleCut, TheCauseAndEverythingAfterItRunOnTheFallback) {
  const Device d = parse_device(single_cut_accel(), "accel.yaml");
  EXPECT_EQ(d.partition, Partition::SingleCut);
  const ir::Graph g = diamond();
  const auto p = place_all(d, g, DType::i8);
  const int hs = id(g, "hs");
  // Before the cut: native, although c2 is read after it.
  for (const char* n : {"input", "c1", "c2"}) {
    EXPECT_TRUE(p[id(g, n)].native) << n;
    EXPECT_EQ(p[id(g, n)].cut_at, -1) << n;
  }
  // The cause: rejected itself, with its own reason.
  EXPECT_FALSE(p[hs].native);
  EXPECT_TRUE(p[hs].unsupported);
  EXPECT_EQ(p[hs].cut_at, -1);
  EXPECT_EQ(p[hs].reason, "hardswish is not in acc's operator set");
  // After it: supported operators on the CPU, saying why, and marked as following the cut.
  for (const char* n : {"c3", "sum", "c4"}) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(p[id(g, n)].native);
    EXPECT_EQ(p[id(g, n)].processor, 1);
    EXPECT_FALSE(p[id(g, n)].unsupported);
    EXPECT_EQ(p[id(g, n)].cut_at, hs);
    EXPECT_EQ(p[id(g, n)].reason, "after the single cut at 'hs' (hardswish is not in acc's operator set)");
  }
  // A fused activation goes with its conv; a later unsupported node keeps its own reason.
  EXPECT_EQ(p[id(g, "c4.relu")].follows, id(g, "c4"));
  EXPECT_FALSE(p[id(g, "c4.relu")].unsupported);
  EXPECT_EQ(p[id(g, "c4.relu")].reason,
            "fused into 'c4', which falls back: after the single cut at 'hs' (hardswish is not in acc's operator set)");
  EXPECT_TRUE(p[id(g, "hs2")].unsupported);
  EXPECT_EQ(p[id(g, "hs2")].cut_at, hs);
  EXPECT_EQ(p[id(g, "hs2")].reason, "hardswish is not in acc's operator set");
  // place() of one node agrees with place_all().
  EXPECT_EQ(place(d, g, id(g, "sum"), DType::i8).cut_at, hs);

  // The same graph per operator: only the two hardswish nodes fall back.
  const auto per_op = place_all(parse_device(kAccel, "accel.yaml"), g, DType::i8);
  for (int i = 0; i < g.size(); ++i) {
    const bool is_hs = g.node(i).op == ir::OpKind::HardSwish;
    EXPECT_EQ(per_op[i].native, !is_hs) << g.node(i).name;
    EXPECT_EQ(per_op[i].unsupported, is_hs) << g.node(i).name;
    EXPECT_EQ(per_op[i].cut_at, -1) << g.node(i).name;
  }
}

TEST(PlaceSingleCut, AfterMeansLaterInNodeOrderNotDownstream) {
  // The compiler walks the TFLite operator list in order, so a branch listed after the cut falls
  // back even when it does not read the cut's output: here c2 is independent of hs but comes
  // after it.
  const Device d = parse_device(single_cut_accel(), "accel.yaml");
  ir::GraphBuilder b("branches");
  const int x = b.input({1, 8, 8, 8});
  const int c1 = b.conv(x, 8, 3, 1, {}, "c1");
  const int hs = b.hardswish(c1, "hs");
  const int c2 = b.conv(c1, 8, 3, 1, {}, "c2");  // reads c1 only
  const ir::Graph g = b.finish({hs, c2});
  const auto p = place_all(d, g, DType::i8);
  EXPECT_TRUE(p[id(g, "c1")].native);
  EXPECT_TRUE(p[id(g, "hs")].unsupported);
  EXPECT_FALSE(p[id(g, "c2")].native);
  EXPECT_EQ(p[id(g, "c2")].cut_at, id(g, "hs"));

  // Listed the other way round, c2 comes before the cut and stays native.
  ir::GraphBuilder b2("branches2");
  const int x2 = b2.input({1, 8, 8, 8});
  const int d1 = b2.conv(x2, 8, 3, 1, {}, "c1");
  const int d2 = b2.conv(d1, 8, 3, 1, {}, "c2");
  const ir::Graph g2 = b2.finish({b2.hardswish(d1, "hs"), d2});
  const auto p2 = place_all(d, g2, DType::i8);
  EXPECT_TRUE(p2[id(g2, "c2")].native);
  EXPECT_TRUE(p2[id(g2, "hs")].unsupported);
}

TEST(PlaceSingleCut, NoUnsupportedOperatorNoCut) {
  const Device d = parse_device(single_cut_accel(), "accel.yaml");
  ir::GraphBuilder b("g");
  const int x = b.input({1, 8, 8, 8});
  const ir::Graph g = b.finish({b.add({b.conv(x, 8, 3, 1, {}, "a"), b.relu6(x, "r6")}, "sum")});
  for (const auto& p : place_all(d, g, DType::i8)) {
    EXPECT_TRUE(p.native) << p.reason;
    EXPECT_EQ(p.cut_at, -1);
  }
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
