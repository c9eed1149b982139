// The acceptance of issue 16 item 1: each real NPU profile restricts the built-in spaces, and
// every operator of 200 samples of the restricted space runs on the NPU under the device's
// published rules, except fixed-structure operators no choice avoids, which
// RestrictedSpace::remaining names (and this test lists, so that none hides).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "hwnas/hw/op_support.h"
#include "hwnas/space/yaml_space.h"
#include "hwnas/target/audit.h"
#include "hwnas/target/resolver.h"
#include "hwnas/target/restrict_space.h"
#include "testing.h"

namespace hwnas::target {
namespace {

using ir::DType;

// What RestrictedSpace::remaining lists, without the "(in n of m checked samples)" suffix.
std::set<std::string> remaining(const RestrictedSpace& r) {
  std::set<std::string> out;
  for (const std::string& s : r.remaining) out.insert(s.substr(0, s.rfind(" (in ")));
  return out;
}

// 200 samples of r's space: every node native, or falling back because of a cause that
// r.remaining names (directly, or as the anchor / the cut it follows).
void check_200_samples(const hw::Device& d, const RestrictedSpace& r, bool all_native) {
  const std::set<std::string> listed = remaining(r);
  Rng rng(42);
  for (int i = 0; i < 200; ++i) {
    const ir::Graph g = r.space->decode(r.space->sample(rng));
    const auto at = hw::place_all(d, g, DType::i8);
    for (int n = 0; n < g.size(); ++n) {
      if (at[n].native) continue;
      ASSERT_FALSE(all_native) << g.node(n).name << ": " << at[n].reason;
      int cause = at[n].follows >= 0 ? at[n].follows : n;
      if (!at[cause].unsupported) cause = at[cause].cut_at;
      ASSERT_GE(cause, 0) << g.node(n).name;
      const std::string what = hw::op_key(g.node(cause)) + ": " + at[cause].reason;
      ASSERT_TRUE(listed.contains(what)) << what;
    }
  }
}

TEST(NpuProfiles, EthosUAndEdgeTpuRunEveryOperatorOfTheRestrictedSpaces) {
  for (const char* dev : {"ethos-u55-128", "ethos-u65-512", "edgetpu"})
    for (const char* sp : {"mbconv", "dscnn"}) {
      SCOPED_TRACE(std::string(sp) + " on " + dev);
      const hw::Device d = hw::load_device(dev);
      const RestrictedSpace r = restrict_space(*resolve_space(sp), d, DType::i8);
      EXPECT_TRUE(r.remaining.empty()) << r.remaining.front();
      check_200_samples(d, r, true);
    }
}

TEST(NpuProfiles, EdgeTpuSwapsHardswishTheCauseOfItsCut) {
  const hw::Device d = hw::load_device("edgetpu");
  const auto space = resolve_space("mbconv");
  const space::SearchSpace& mbconv = *space;
  // Unrestricted, a sample is cut at its first hardswish (the stem's) and everything after runs
  // on the CPU; the audit names hardswish as the cause.
  Rng rng(1);
  const ir::Graph g = mbconv.decode(mbconv.sample(rng));
  const auto at = hw::place_all(d, g, DType::i8);
  const auto first_cut = std::find_if(at.begin(), at.end(), [](const hw::Placement& p) { return p.unsupported; });
  ASSERT_NE(first_cut, at.end());
  EXPECT_EQ(g.node(first_cut - at.begin()).op, ir::OpKind::HardSwish);
  const Audit a = audit_graph(d, g, DType::i8);
  ASSERT_FALSE(a.rows.empty());
  EXPECT_EQ(a.rows.front().op, "hardswish");
  EXPECT_EQ(a.rows.front().cuts, 1);
  EXPECT_GT(a.rows.front().moved_by_cut, 10);
  // Restricted: the swap of hardswish is the only change; Vela's Ethos-U runs hardswish and keeps mbconv whole.
  const RestrictedSpace r = restrict_space(mbconv, d, DType::i8);
  ASSERT_EQ(r.substitutions.size(), 1u);
  EXPECT_EQ(r.substitutions[0].substr(0, 18), "hardswish -> relu6");
  EXPECT_TRUE(r.removed.empty());
  const RestrictedSpace u55 = restrict_space(mbconv, hw::load_device("ethos-u55-128"), DType::i8);
  EXPECT_TRUE(u55.substitutions.empty());
  EXPECT_TRUE(u55.removed.empty());
  EXPECT_DOUBLE_EQ(u55.size_after, u55.size_before);
}

TEST(NpuProfiles, K210KeepsTheKpusConvolutionsAndNamesTheFixedRest) {
  const hw::Device d = hw::load_device("k210");
  const std::string conv = " (nncase K210 KPU conv2d)", dw = " (nncase K210 KPU depthwise conv2d)";
  {
    // mbconv: hardswish and squeeze-excite swapped out, 5x5 and 7x7 depthwise kernels removed
    // where 3x3 keeps the block on the KPU, width 1.2 removed (its 1152-channel head). What no
    // choice avoids: residual adds, the 1280-channel head conv, each stage's stride-2 depthwise
    // (whatever its kernel), the pool and the classifier.
    const RestrictedSpace r = restrict_space(*resolve_space("mbconv"), d, DType::i8);
    EXPECT_EQ(r.substitutions.size(), 2u);
    for (const auto& rm : r.removed) {
      SCOPED_TRACE(rm.decision);
      if (rm.decision == "width") {
        EXPECT_EQ(rm.labels, std::vector<std::string>{"1.2"});
      } else {
        EXPECT_NE(rm.decision.find(".kernel"), std::string::npos);
        EXPECT_EQ(rm.labels, (std::vector<std::string>{"5", "7"}));
      }
    }
    EXPECT_EQ(remaining(r), (std::set<std::string>{
                                "add: add is not in kpu's operator set",
                                "conv2d k1 s1: 1280 output channels over the limit of 1024" + conv,
                                "depthwise_conv2d k3 s2: stride 2 not in [1]" + dw,
                                "depthwise_conv2d k5 s2: kernel 5 not in [1, 3]" + dw,
                                "depthwise_conv2d k7 s2: kernel 7 not in [1, 3]" + dw,
                                "fully_connected: fully_connected is not in kpu's operator set",
                                "global_avg_pool: global_avg_pool is not in kpu's operator set",
                            }));
    check_200_samples(d, r, false);
  }
  {
    // dscnn: the 10x4 and 5x5 first convs and the 5x5 depthwise kernels go; the pool and the
    // classifier stay on the CPU.
    const RestrictedSpace r = restrict_space(*resolve_space("dscnn"), d, DType::i8);
    ASSERT_FALSE(r.removed.empty());
    EXPECT_EQ(r.removed.front().decision, "first.kernel");
    EXPECT_EQ(r.removed.front().labels, (std::vector<std::string>{"10x4", "5x5"}));
    EXPECT_EQ(remaining(r), (std::set<std::string>{
                                "fully_connected: fully_connected is not in kpu's operator set",
                                "global_avg_pool: global_avg_pool is not in kpu's operator set",
                            }));
    check_200_samples(d, r, false);
  }
}

// A device that cuts once and lacks only hardswish, and spaces where an early activation
// causes the cut while a later squeeze-excite switch adds supported nodes after it.
constexpr const char* kCutDevice = R"(name: cutter
partition: single_cut
processors:
  npu:
    clock_mhz: 100
    per_cycle: {conv: 1, depthwise: 1, fc: 1, elementwise: 1, pool: 1, data: 1}
    bandwidth_gb_s: 1
    active_power_mw: 1
    ops:
      - {op: conv2d, fused_activations: [relu, relu6]}
      - {op: depthwise_conv2d, fused_activations: [relu, relu6]}
      - {op: fully_connected, fused_activations: [relu, relu6]}
      - {op: add}
      - {op: mul}
      - {op: relu}
      - {op: relu6}
      - {op: hardsigmoid}
      - {op: global_avg_pool}
      - {op: flatten}
      - {op: reshape}
  cpu:
    clock_mhz: 100
    per_cycle: {conv: 1, depthwise: 1, fc: 1, elementwise: 1, pool: 1, data: 1}
    bandwidth_gb_s: 1
    active_power_mw: 1
fallback: {processor: cpu, transfer_gb_s: 1}
)";

std::string cut_space(const std::string& first_activations) {
  return R"(name: cut-space
input: [16, 16, 8]
classes: 4
stem: {op: conv, channels: [8], kernel: [3], stride: [1]}
stages:
  - repeat: [1]
    block: {type: conv, channels: [8], kernel: [3], stride: 1, activation: )" +
         first_activations + R"(}
  - repeat: [1]
    block: {type: mbconv, channels: [8], kernel: [3], expand: [2], se: [false, true], activation: [relu]}
head: {pool: global_avg, fc: true}
)";
}

TEST(NpuProfiles, RestrictionRemovesTheChoiceThatCausesTheCutNotThoseAfterIt) {
  const hw::Device d = hw::parse_device(kCutDevice, "cutter.yaml");
  {
    // A chosen hardswish causes the cut: that choice goes, squeeze-excite stays.
    const auto space = space::parse_yaml_space(cut_space("[relu, hardswish]"), "cut-space.yaml");
    const RestrictedSpace r = restrict_space(*space, d, DType::i8, {.bases_per_decision = 4, .check_samples = 50});
    ASSERT_EQ(r.removed.size(), 1u);
    EXPECT_EQ(r.removed[0].labels, std::vector<std::string>{"hardswish"});
    EXPECT_NE(r.removed[0].reason.find("hardswish is not in npu's operator set"), std::string::npos)
        << r.removed[0].reason;
    EXPECT_TRUE(r.remaining.empty()) << r.remaining.front();
    EXPECT_DOUBLE_EQ(r.size_after, r.size_before / 2);
    check_200_samples(d, r, true);
  }
  {
    // A fixed hardswish cuts every graph: squeeze-excite's nodes then fall back, but only because
    // they come after the cut, so the switch that adds them is no cause and keeps both choices;
    // the hardswish is what remains.
    const auto space = space::parse_yaml_space(cut_space("[hardswish]"), "cut-space.yaml");
    const RestrictedSpace r = restrict_space(*space, d, DType::i8, {.bases_per_decision = 4, .check_samples = 50});
    EXPECT_TRUE(r.removed.empty()) << r.removed.front().decision << " = " << r.removed.front().labels.front();
    EXPECT_DOUBLE_EQ(r.size_after, r.size_before);
    ASSERT_EQ(r.remaining.size(), 1u);
    EXPECT_EQ(r.remaining[0].substr(0, 50), "hardswish: hardswish is not in npu's operator set ");
    check_200_samples(d, r, false);
  }
}

}  // namespace
}  // namespace hwnas::target
