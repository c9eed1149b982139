#include "hwnas/target/audit.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "hwnas/space/mbconv_space.h"
#include "testing.h"

namespace hwnas::target {
namespace {

using ir::DType;

// The accelerator of placement_test.cc, reduced: 3x3 int8 convs and add; the CPU runs the rest,
// 1 GB/s transfers with 10 us of overhead each.
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
      - op: add
  cpu:
    clock_mhz: 1000
    per_cycle: {conv: 2, depthwise: 1, fc: 1, elementwise: 1, pool: 1, data: 1}
    bandwidth_gb_s: 4
    active_power_mw: 300
fallback: {processor: cpu, transfer_gb_s: 1, transfer_overhead_us: 10}
power: {idle_mw: 1}
)";

const AuditRow& row(const Audit& a, std::string_view op) {
  for (const auto& r : a.rows)
    if (r.op == op) return r;
  throw std::runtime_error("no row " + std::string(op));
}

TEST(AuditGraph, CountsAndTransferCostByHand) {
  const hw::Device d = hw::parse_device(kAccel, "accel.yaml");
  ir::GraphBuilder b("g");
  int x = b.input({1, 8, 8, 8});
  x = b.conv(x, 16, 3, 1, {}, "c1");
  x = b.hardswish(x, "hs1");
  x = b.conv(x, 16, 3, 1, {}, "c2");
  x = b.hardswish(x, "hs2");  // the graph's output: read back on the primary
  const Audit a = audit_graph(d, b.finish({x}), DType::i8);
  EXPECT_EQ(a.graphs, 1);
  EXPECT_EQ(a.primary, "acc");
  EXPECT_EQ(a.fallback, "cpu");
  ASSERT_EQ(a.rows.size(), 2u);
  EXPECT_EQ(a.rows[0].op, "hardswish");  // fallbacks first
  const AuditRow& hs = row(a, "hardswish");
  EXPECT_EQ(hs.native, 0);
  EXPECT_EQ(hs.fallback, 2);
  EXPECT_EQ(hs.reason, "hardswish is not in acc's operator set");
  // Each int8 tensor is 1 x 8 x 8 x 16 = 1024 bytes. To the CPU: c1 and c2 (2048 B); back:
  // hs1 (read by c2) and hs2 (the output), 2048 B. Four transfers:
  // 4096 B / 1e9 B/s = 4.096 us, + 4 x 10 us = 44.096 us = 0.044096 ms.
  EXPECT_EQ(hs.bytes_to_fallback, 2048);
  EXPECT_EQ(hs.bytes_back, 2048);
  EXPECT_EQ(hs.transfers, 4);
  EXPECT_NEAR(hs.transfer_ms, 0.044096, 1e-12);
  const AuditRow& conv = row(a, "conv2d k3 s1");
  EXPECT_EQ(conv.native, 2);
  EXPECT_EQ(conv.fallback, 0);
  EXPECT_EQ(conv.transfers, 0);
  EXPECT_EQ(a.native_nodes(), 2);
  EXPECT_EQ(a.fallback_nodes(), 2);
  EXPECT_NEAR(a.transfer_ms(), 0.044096, 1e-12);
}

TEST(AuditGraph, SingleCutNamesTheCauseAndWhatFollowsIt) {
  // The same graph as above on the accelerator that cuts once: c2 is supported but comes after
  // the cut at hs1; hs2 falls back on its own account.
  const hw::Device d = hw::parse_device(std::string(kAccel) + "partition: single_cut\n", "accel.yaml");
  ir::GraphBuilder b("g");
  int x = b.input({1, 8, 8, 8});
  x = b.conv(x, 16, 3, 1, {}, "c1");
  x = b.hardswish(x, "hs1");
  x = b.conv(x, 16, 3, 1, {}, "c2");
  x = b.hardswish(x, "hs2");
  const Audit a = audit_graph(d, b.finish({x}), DType::i8);
  ASSERT_EQ(a.rows.size(), 2u);
  EXPECT_EQ(a.rows[0].op, "hardswish");  // the cause first, though conv2d has as many fallbacks
  const AuditRow& hs = row(a, "hardswish");
  EXPECT_EQ(hs.fallback, 2);
  EXPECT_EQ(hs.after_cut, 0);  // hs2 comes after the cut too, but would fall back anyway
  EXPECT_EQ(hs.cuts, 1);
  EXPECT_EQ(hs.moved_by_cut, 1);  // c2
  EXPECT_EQ(hs.reason, "hardswish is not in acc's operator set");
  const AuditRow& conv = row(a, "conv2d k3 s1");
  EXPECT_EQ(conv.native, 1);
  EXPECT_EQ(conv.fallback, 1);
  EXPECT_EQ(conv.after_cut, 1);
  EXPECT_EQ(conv.cuts, 0);
  EXPECT_EQ(conv.reason, "after the single cut at 'hs1' (hardswish is not in acc's operator set)");
  // Transfers as per operator: c1's output to the CPU once, hs2's back; nothing returns in between.
  EXPECT_EQ(hs.bytes_to_fallback, 1024);
  EXPECT_EQ(hs.bytes_back, 1024);
  EXPECT_EQ(conv.bytes_to_fallback + conv.bytes_back, 0);
}

TEST(AuditGraph, ATensorMovesOncePerDirection) {
  const hw::Device d = hw::parse_device(kAccel, "accel.yaml");
  ir::GraphBuilder b("g");
  const int c = b.conv(b.input({1, 8, 8, 8}), 16, 3, 1, {}, "c");
  const int s1 = b.sigmoid(c, "s1");  // two CPU readers of c: one transfer of c
  const int s2 = b.sigmoid(c, "s2");
  const int s3 = b.sigmoid(s1, "s3");  // CPU to CPU: no transfer
  const ir::Graph g = b.finish({b.add({s2, s3}, "sum")});
  // The audit is kept: a reference into a temporary one dangled (ASan: heap-use-after-free).
  const Audit a = audit_graph(d, g, DType::i8);
  const AuditRow& sig = row(a, "sigmoid");
  EXPECT_EQ(sig.fallback, 3);
  EXPECT_EQ(sig.bytes_to_fallback, 1024);  // c, once
  EXPECT_EQ(sig.bytes_back, 2048);         // s2 and s3 to the add
  EXPECT_EQ(sig.transfers, 3);
  // f32 tensors are four times larger (this profile sets no dtype limits: same placement).
  EXPECT_EQ(row(audit_graph(d, g, DType::f32), "sigmoid").bytes_to_fallback, 1024 * 4);
}

TEST(AuditSpace, NpuOnMbconvShowsHardswishSqueezeExciteAnd7x7AsFallback) {
  const hw::Device npu = hw::load_device("npu-generic");
  const Audit a = audit_space(npu, space::MbConvSpace(), DType::i8, 10);
  EXPECT_EQ(a.subject, "mbconv");
  EXPECT_GT(a.graphs, 10);
  EXPECT_GT(row(a, "hardswish").fallback, 0);
  EXPECT_EQ(row(a, "hardswish").native, 0);
  EXPECT_EQ(row(a, "hardswish").reason, "hardswish is not in npu's operator set");
  EXPECT_GT(row(a, "hardsigmoid").fallback, 0);  // squeeze-excite's gate
  EXPECT_GT(row(a, "mul").fallback, 0);          // and its multiply
  EXPECT_EQ(row(a, "depthwise_conv2d k7 s1").native, 0);
  EXPECT_EQ(row(a, "depthwise_conv2d k7 s1").reason, "kernel 7 not in [3, 5]");
  EXPECT_GT(row(a, "depthwise_conv2d k7 s2").fallback, 0);
  EXPECT_EQ(row(a, "depthwise_conv2d k5 s2").fallback, 0);
  EXPECT_GT(row(a, "depthwise_conv2d k3 s1").native, 0);
  EXPECT_GT(row(a, "hardswish").transfer_ms, 0);
}

TEST(RepresentativeArchs, EveryChoiceOfEveryDecisionAppears) {
  const space::MbConvSpace s;
  const auto archs = representative_archs(s, 0, 3);
  for (int d = 0; d < s.num_decisions(); ++d)
    for (int c = 0; c < static_cast<int>(s.decisions()[d].choices.size()); ++c)
      EXPECT_TRUE(std::any_of(archs.begin(), archs.end(),
                              [&](const space::Arch& a) { return a.choice[d] == c && s.active(a, d); }))
          << s.decisions()[d].name << " " << c;
}

}  // namespace
}  // namespace hwnas::target
