#include "hwnas/target/restrict_space.h"
#include "hwnas/target/resolver.h"

#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "hwnas/space/detection_space.h"
#include "hwnas/space/mbconv_space.h"
#include "hwnas/target/audit.h"
#include "testing.h"

namespace hwnas::target {
namespace {

using ir::DType;

bool contains_op(const ir::Graph& g, ir::OpKind op) {
  return std::any_of(g.nodes().begin(), g.nodes().end(), [&](const ir::Node& n) { return n.op == op; });
}

TEST(RestrictSpace, NpuOnMbconvKeepsOnlyNativeChoices) {
  const hw::Device npu = hw::load_device("npu-generic");
  const space::MbConvSpace mbconv;
  const RestrictedSpace r = restrict_space(mbconv, npu, DType::i8);
  ASSERT_TRUE(r.space);
  EXPECT_EQ(r.space->name(), "mbconv@npu-generic");
  ASSERT_EQ(r.substitutions.size(), 2u);
  const std::string subs = r.substitutions[0] + "\n" + r.substitutions[1];
  EXPECT_NE(subs.find("hardswish -> relu6"), std::string::npos) << subs;
  EXPECT_NE(subs.find("squeeze-excite"), std::string::npos) << subs;
  // Every kernel decision loses 7 (and only 7); nothing else is removed.
  int kernels = 0;
  for (const auto& rm : r.removed) {
    EXPECT_NE(rm.decision.find(".kernel"), std::string::npos) << rm.decision;
    EXPECT_EQ(rm.labels, std::vector<std::string>{"7"}) << rm.decision;
    EXPECT_NE(rm.reason.find("kernel 7 not in [3, 5]"), std::string::npos) << rm.reason;
    ++kernels;
  }
  EXPECT_EQ(kernels, 5 * 4);  // 5 stages x up to 4 blocks
  EXPECT_TRUE(r.remaining.empty()) << r.remaining.front();
  // Size by hand: per block 2 kernels x 3 expands = 6; per stage 6^2 + 6^3 + 6^4 = 1548;
  // 5 resolutions x 2 widths x 1548^5.
  EXPECT_DOUBLE_EQ(r.size_after, 10 * std::pow(1548.0, 5));
  EXPECT_DOUBLE_EQ(r.size_before, mbconv.size());

  // The acceptance check, independently of the one restrict_space ran: 200 samples decode to
  // graphs whose every node runs on the NPU, and their strings parse back.
  Rng rng(42);
  for (int i = 0; i < 200; ++i) {
    const space::Arch a = r.space->sample(rng);
    const ir::Graph g = r.space->decode(a);
    for (const hw::Placement& p : hw::place_all(npu, g, DType::i8)) ASSERT_TRUE(p.native) << p.reason;
    EXPECT_FALSE(contains_op(g, ir::OpKind::HardSwish));
    EXPECT_FALSE(contains_op(g, ir::OpKind::Mul));
    EXPECT_EQ(r.space->parse(r.space->to_string(a)), a);
  }
  const Audit after = audit_space(npu, *r.space, DType::i8, 10);
  EXPECT_EQ(after.fallback_nodes(), 0);
}

TEST(RestrictSpace, NpuOnADetectionSpaceLeavesEveryNodeNative) {
  // The inspection set's 5 classes on a backbone with hardswish and squeeze-excite: npu-generic
  // runs neither, its depthwise kernels are 3 and 5, and its convs need output channels in
  // multiples of 8: a head conv has anchors x 4 (box) and anchors x 6 (class) channels, which
  // only 4 anchors per location makes 16 and 24 (3 gives 12 and 18; 6 gives 24 and 36).
  const hw::Device npu = hw::load_device("npu-generic");
  space::DetectionSpaceOptions o;
  o.name = "inspection";
  o.classes = 5;
  o.stem_act = ir::OpKind::HardSwish;
  for (auto& st : o.stages) st = {st.channels, st.stride, true, ir::OpKind::HardSwish};
  const space::DetectionSpace det(o);
  const RestrictedSpace r = restrict_space(det, npu, DType::i8);
  ASSERT_TRUE(r.space);
  EXPECT_EQ(r.space->name(), "inspection@npu-generic");
  ASSERT_EQ(r.substitutions.size(), 2u);
  const std::string subs = r.substitutions[0] + "\n" + r.substitutions[1];
  EXPECT_NE(subs.find("hardswish -> relu6"), std::string::npos) << subs;
  EXPECT_NE(subs.find("squeeze-excite"), std::string::npos) << subs;
  std::map<std::string, std::vector<std::string>> removed;
  for (const auto& rm : r.removed) removed[rm.decision] = rm.labels;
  EXPECT_EQ(removed["anchors.first"], (std::vector<std::string>{"3", "6"}));
  EXPECT_EQ(removed["anchors.rest"], (std::vector<std::string>{"3", "6"}));
  EXPECT_EQ(removed["stage1.block1.kernel"], std::vector<std::string>{"7"});
  EXPECT_TRUE(r.remaining.empty()) << r.remaining.front();

  Rng rng(42);
  for (int i = 0; i < 200; ++i) {
    const space::Arch a = r.space->sample(rng);
    const ir::Graph g = r.space->decode(a);
    for (const hw::Placement& p : hw::place_all(npu, g, DType::i8)) ASSERT_TRUE(p.native) << p.reason;
    EXPECT_FALSE(contains_op(g, ir::OpKind::HardSwish));
    EXPECT_FALSE(contains_op(g, ir::OpKind::Sigmoid));
    EXPECT_FALSE(contains_op(g, ir::OpKind::Mul));
    EXPECT_EQ(r.space->parse(r.space->to_string(a)), a);
  }
}

TEST(RestrictSpace, ByNameIsTheDefaultRestrictionOnTheDevicesDtype) {
  const hw::Device npu = hw::load_device("npu-generic");  // default dtype int8
  const RestrictedSpace r = restrict_space(space::MbConvSpace(), npu, DType::i8);
  const auto named = target::resolve_space("mbconv@npu-generic");
  EXPECT_EQ(named->name(), "mbconv@npu-generic");
  EXPECT_EQ(named->size(), r.size_after);
  EXPECT_EQ(target::resolve_space("nb201")->name(), "nb201");                     // plain names are space::make_space's
  EXPECT_HWNAS_ERROR(target::resolve_space("mbconv@npu-genric"), "npu-generic");  // did-you-mean
}

TEST(RestrictSpace, ModelsOfARestrictedSpaceByName) {
  // An arch of the restricted space decodes as the restricted space does (hardswish became
  // relu6): the graph a search of "mbconv@npu-generic" scored, not mbconv's.
  const auto named = target::resolve_space("mbconv@npu-generic");
  Rng rng(3);
  const std::string arch = named->to_string(named->sample(rng));
  const ir::Graph g = target::resolve_model("mbconv@npu-generic:" + arch);
  EXPECT_EQ(g, named->decode(named->parse(arch)));
  EXPECT_FALSE(contains_op(g, ir::OpKind::HardSwish));
  EXPECT_TRUE(contains_op(target::resolve_model("mbconv:" + arch), ir::OpKind::HardSwish));
  EXPECT_EQ(target::resolve_model("dscnn-mlperf"), target::resolve_model("dscnn-mlperf"));  // everything else as before
  EXPECT_HWNAS_ERROR(target::resolve_model("mbconv@npu-generic:" + arch, {.classes = 10}),
                     "takes no resolution or classes");
  EXPECT_HWNAS_ERROR(target::resolve_model("mbconv@npu-genric:" + arch), "npu-generic");
}

TEST(RestrictSpace, ACpuKeepsTheSpaceWhole) {
  const space::MbConvSpace mbconv;
  const RestrictedSpace r = restrict_space(mbconv, hw::load_device("cortex-m7"), DType::i8, {.check_samples = 5});
  EXPECT_TRUE(r.substitutions.empty());
  EXPECT_TRUE(r.removed.empty());
  EXPECT_TRUE(r.remaining.empty());
  EXPECT_DOUBLE_EQ(r.size_after, r.size_before);
  EXPECT_EQ(r.space->name(), "mbconv@cortex-m7");
}

TEST(RestrictSpace, WhatNoChoiceAvoidsIsReportedAsRemaining) {
  // f32 on the int8-only NPU: every operator falls back whatever the choices.
  const RestrictedSpace r = restrict_space(space::MbConvSpace(), hw::load_device("npu-generic"), DType::f32,
                                           {.bases_per_decision = 1, .check_samples = 3});
  ASSERT_FALSE(r.remaining.empty());
  EXPECT_NE(r.remaining.front().find("f32 not supported (only int8)"), std::string::npos) << r.remaining.front();
  EXPECT_NE(r.remaining.front().find("of 3 checked samples"), std::string::npos);
}

TEST(RestrictSpace, ChoicesThatFallBackEitherWayAreKept) {
  // Every EfficientNet variant uses swish (and squeeze-excite's sigmoid and mul), which the NPU
  // lacks and the space cannot swap: b1..b7 add such nodes to b0's, but b0 has them too, so
  // dropping them would not make anything native.
  const RestrictedSpace r = restrict_space(*target::resolve_space("efficientnet"), hw::load_device("npu-generic"),
                                           DType::i8, {.bases_per_decision = 1, .check_samples = 5});
  EXPECT_TRUE(r.removed.empty()) << r.removed.front().decision;
  EXPECT_DOUBLE_EQ(r.size_after, r.size_before);
  ASSERT_FALSE(r.remaining.empty());
}

TEST(MbConvWithoutOp, SwapsActivationsAndTurnsSqueezeExciteOff) {
  const space::MbConvSpace s;
  const auto only_relu = [](ir::OpKind k) { return k == ir::OpKind::Relu; };
  const auto sub = s.without_op(ir::OpKind::HardSwish, only_relu);
  ASSERT_TRUE(sub.space);
  EXPECT_EQ(sub.change.substr(0, 17), "hardswish -> relu");
  EXPECT_NE(sub.change.find("stem, head, stage3, stage4, stage5"), std::string::npos) << sub.change;
  Rng rng(1);
  const space::Arch a = s.sample(rng);
  EXPECT_FALSE(contains_op(sub.space->decode(a), ir::OpKind::HardSwish));
  EXPECT_TRUE(contains_op(s.decode(a), ir::OpKind::HardSwish));
  EXPECT_EQ(sub.space->to_string(a), s.to_string(a));  // same decisions, same strings
  const auto se_off = s.without_op(ir::OpKind::Mul, only_relu);
  ASSERT_TRUE(se_off.space);
  EXPECT_FALSE(contains_op(se_off.space->decode(a), ir::OpKind::HardSigmoid));
  EXPECT_FALSE(s.without_op(ir::OpKind::HardSwish, [](ir::OpKind) { return false; }).space);  // no replacement runs
  EXPECT_FALSE(s.without_op(ir::OpKind::Conv2D, only_relu).space);                            // nothing to swap
}

}  // namespace
}  // namespace hwnas::target
