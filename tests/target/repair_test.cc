#include "hwnas/target/repair.h"

#include <gtest/gtest.h>

#include "hwnas/core/rng.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/stats.h"
#include "hwnas/target/resolver.h"
#include "testing.h"

namespace hwnas::target {
namespace {

using ir::DType;

std::vector<std::string> changes(const Repair& r) {
  std::vector<std::string> out;
  for (const RepairStep& s : r.steps) out.push_back(s.change);
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// npu-generic (devices/npu-generic.yaml): conv kernels 1/3/5, depthwise 3/5, channels in
// multiples of 8, relu/relu6 only; no hardswish, sigmoid, mul or softmax.
TEST(Repair, MobileNetV3BlockBecomesNative) {
  ir::GraphBuilder b("v3block");
  const int x = b.input({1, 16, 16, 3});
  const int stem = b.hardswish(b.batch_norm(b.conv(x, 16, 3, 2, {}, "stem")), "stem.act");
  const int dw = b.hardswish(b.batch_norm(b.depthwise(stem, 7, 1, {}, "dw")), "dw.act");
  const int pool = b.global_avg_pool(dw, "se.pool");
  const int gate = b.hardsigmoid(b.conv(b.relu(b.conv(pool, 4, 1, 1, {.bias = true}, "se.reduce")), 16, 1, 1,
                                        {.bias = true}, "se.expand"),
                                 "se.gate");
  const int scaled = b.mul(dw, gate, "se.mul");
  const int proj = b.batch_norm(b.conv(scaled, 12, 1, 1, {}, "proj"));
  const ir::Graph g = b.finish({b.fc(b.global_avg_pool(proj, "pool"), 10, true, "fc")});

  const hw::Device npu = hw::load_device("npu-generic");
  const Repair r = repair_for_device(g, npu, DType::i8);
  const auto c = changes(r);
  EXPECT_TRUE(has(c, "squeeze-excite off")) << ::testing::PrintToString(c);
  EXPECT_TRUE(has(c, "hardswish -> relu6")) << ::testing::PrintToString(c);
  EXPECT_TRUE(has(c, "depthwise_conv2d k7 s1 -> k5")) << ::testing::PrintToString(c);
  EXPECT_TRUE(has(c, "channels -> multiples of 8")) << ::testing::PrintToString(c);
  EXPECT_GT(r.fallbacks_before, 0);
  EXPECT_EQ(r.fallbacks_after, 0);
  EXPECT_TRUE(r.remaining.empty()) << ::testing::PrintToString(r.remaining);
  for (const hw::Placement& p : hw::place_all(npu, r.graph, DType::i8)) EXPECT_TRUE(p.native) << p.reason;
  // Each step lowered the count, and they chain: the last step's graph is the result.
  for (size_t i = 0; i < r.steps.size(); ++i) {
    EXPECT_LT(r.steps[i].fallbacks_after, r.steps[i].fallbacks_before);
    if (i > 0) {
      EXPECT_EQ(r.steps[i].fallbacks_before, r.steps[i - 1].fallbacks_after);
    }
  }
  EXPECT_EQ(r.steps.back().graph, r.graph);
  // What the changes did, by hand: proj has 16 channels now, the 7x7 is 5x5, the gate is gone.
  EXPECT_EQ(r.graph.node(*r.graph.find("proj")).attrs.out_channels, 16);
  EXPECT_EQ(r.graph.node(*r.graph.find("dw")).attrs.kernel_h, 5);
  EXPECT_FALSE(r.graph.find("se.gate"));
  EXPECT_EQ(r.graph.node(*r.graph.find("dw")).shape, g.node(*g.find("dw")).shape);
}

TEST(Repair, WhatHasNoNativeAlternativeRemains) {
  // A stride-3 conv and a softmax: npu-generic runs neither, and nothing replaces them.
  ir::GraphBuilder b("rest");
  const int x = b.input({1, 12, 12, 8});
  const int c = b.relu(b.conv(x, 8, 3, 3, {}, "s3"));
  const ir::Graph g = b.finish({b.softmax(b.fc(c, 8, true, "fc"), -1, "softmax")});
  const Repair r = repair_for_device(g, hw::load_device("npu-generic"), DType::i8);
  EXPECT_TRUE(r.steps.empty());
  EXPECT_EQ(r.graph, g);
  ASSERT_EQ(r.remaining.size(), 2u) << ::testing::PrintToString(r.remaining);
  EXPECT_NE(r.remaining[0].find("conv2d k3 s3: stride 3 not in [1, 2] (1 node)"), std::string::npos) << r.remaining[0];
  EXPECT_NE(r.remaining[1].find("softmax"), std::string::npos) << r.remaining[1];
}

TEST(Repair, ANativeModelIsLeftAlone) {
  const ir::Graph g = resolve_model("mobilenetv2-1.0");
  const Repair r = repair_for_device(g, hw::load_device("npu-generic"), DType::i8);
  EXPECT_EQ(r.fallbacks_before, 0);
  EXPECT_TRUE(r.steps.empty());
  EXPECT_EQ(r.graph, g);
}

// An independent expectation: the restricted space (target/restrict_space.h, built from the
// space's own hooks) decodes an architecture whose kernels the NPU runs into the same graph as
// repairing that architecture's unrestricted graph: hardswish -> relu6 and squeeze-excite off.
TEST(Repair, MatchesTheRestrictedSpaceOnMbconv) {
  const auto full = resolve_space("mbconv");
  const auto restricted = resolve_space("mbconv@npu-generic");
  const hw::Device npu = hw::load_device("npu-generic");
  Rng rng(7);
  int compared = 0;
  for (int i = 0; i < 200 && compared < 5; ++i) {
    const space::Arch a = restricted->sample(rng);
    const std::string arch = restricted->to_string(a);
    const ir::Graph want = restricted->decode(a);
    const ir::Graph g = full->decode(full->parse(arch));
    const Repair r = repair_for_device(g, npu, DType::i8);
    EXPECT_EQ(r.fallbacks_after, 0) << arch << "\n" << ::testing::PrintToString(r.remaining);
    const ir::Stats got = ir::compute_stats(r.graph), expected = ir::compute_stats(want);
    EXPECT_EQ(got.macs, expected.macs) << arch;
    EXPECT_EQ(got.params, expected.params) << arch;
    EXPECT_EQ(r.graph.size(), want.size()) << arch;
    ++compared;
  }
  EXPECT_EQ(compared, 5);
}

TEST(Repair, EfficientNetOnTheNpuKeepsItsShape) {
  // Swish and sigmoid gates everywhere: the gates go, swish becomes relu6; MACs fall by the
  // gates' share only, and the stem, blocks and head keep their shapes.
  const ir::Graph g = resolve_model("efficientnet-b0");
  const Repair r = repair_for_device(g, hw::load_device("npu-generic"), DType::i8);
  EXPECT_EQ(r.fallbacks_after, 0) << ::testing::PrintToString(r.remaining);
  const auto c = changes(r);
  EXPECT_TRUE(has(c, "squeeze-excite off")) << ::testing::PrintToString(c);
  EXPECT_TRUE(has(c, "swish -> relu6")) << ::testing::PrintToString(c);
  EXPECT_EQ(r.graph.node(r.graph.outputs()[0]).shape, g.node(g.outputs()[0]).shape);
  const ir::Stats before = ir::compute_stats(g), after = ir::compute_stats(r.graph);
  EXPECT_LT(after.macs, before.macs);
  EXPECT_GT(after.macs, before.macs * 0.99);  // the SE 1x1 convs act on 1x1 maps: tiny
}

TEST(Repair, SsdHeadsGetAnAnchorCountTheNpuAligns) {
  // COCO's 91 score columns: 3 or 6 anchors give 273 or 546 channels, not multiples of
  // npu-generic's 8, so the class predictors fall back. The smallest count that aligns both the
  // box (a x 4) and the class (a x 91) convs is 8 (91 is odd: a itself must be a multiple of 8).
  const ir::Graph g = resolve_model("ssdlite-mobilenetv2");
  const Repair r = repair_for_device(g, hw::load_device("npu-generic"), DType::i8);
  EXPECT_EQ(r.fallbacks_after, 0) << ::testing::PrintToString(r.remaining);
  int anchor_steps = 0;
  for (const RepairStep& s : r.steps) {
    anchor_steps += s.change.starts_with("anchors per location");
    EXPECT_EQ(s.change.find("channels ->"), std::string::npos) << s.change;  // no head rounded alone
  }
  EXPECT_EQ(anchor_steps, 6);  // one per feature map
  // 8 anchors on every map of the 320 x 320 model: 20x20, 10x10, 5x5, 3x3, 2x2, 1x1 = 539 places.
  EXPECT_EQ(r.graph.node(r.graph.outputs()[0]).shape, (ir::Shape{1, 539 * 8, 4}));
  EXPECT_EQ(r.graph.node(r.graph.outputs()[1]).shape, (ir::Shape{1, 539 * 8, 91}));
}

TEST(Repair, ChannelsOverTheEnginesLimitAreCapped) {
  // The K210's KPU takes at most 1,024 channels (devices/k210.yaml, from nncase): a 1,280-channel
  // 1x1 conv (MobileNetV2's last layer) and the depthwise after it fall back until it is capped.
  ir::GraphBuilder b("wide");
  const int x = b.input({1, 8, 8, 16});
  const int wide = b.relu(b.batch_norm(b.conv(x, 1280, 1, 1, {}, "wide")), "wide.relu");
  const int dw = b.relu(b.batch_norm(b.depthwise(wide, 3, 1, {}, "dw")), "dw.relu");
  const ir::Graph g = b.finish({b.conv(dw, 16, 1, 1, {}, "proj")});
  const Repair r = repair_for_device(g, hw::load_device("k210"), DType::i8);
  ASSERT_EQ(r.steps.size(), 1u) << ::testing::PrintToString(r.remaining);
  EXPECT_EQ(r.steps[0].change, "channels capped at 1024");
  EXPECT_EQ(r.steps[0].nodes, std::vector<std::string>{"wide"});
  EXPECT_EQ(r.fallbacks_after, 0) << ::testing::PrintToString(r.remaining);
  EXPECT_EQ(r.graph.node(*r.graph.find("dw")).shape, (ir::Shape{1, 8, 8, 1024}));
}

}  // namespace
}  // namespace hwnas::target
