#include "hwnas/space/mbconv_space.h"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "properties.h"
#include "testing.h"

namespace hwnas::space {
namespace {

int count_ops(const ir::Graph& g, ir::OpKind op) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node.op == op;
  return n;
}

const char* kSmallest = "r160-w1.0-d2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3";

TEST(MbConvSpace, SizeIsOfasCountTimesResolutionsAndWidths) {
  MbConvSpace s;
  // OFA: per stage 9^2 + 9^3 + 9^4 = 81 + 729 + 6561 = 7371 (kernel x expand = 9 per block);
  // 5 stages: 7371^5 = 21,758,655,492,572,485,851 ~ 2 x 10^19 (the paper's figure);
  // times 5 resolutions x 2 widths.
  EXPECT_DOUBLE_EQ(s.size(), 217586554925724858510.0);
  EXPECT_NEAR(s.size() / 10 / 1e19, 2.18, 0.01);
  EXPECT_EQ(s.num_decisions(), 2 + 5 * (1 + 2 * 4));
  EXPECT_HWNAS_ERROR(s.enumerate(), "has 2.17587e+20 architectures, more than the enumeration limit");
}

TEST(MbConvSpace, ReducedSpaceSizeMatchesBruteForce) {
  // 2 stages, depth {1, 2}, kernel {3, 5}, expand {3}: per stage 2 + 2^2 = 6, 6^2 = 36 networks.
  MbConvSpaceOptions o;
  o.resolutions = {32};
  o.widths = {1.0};
  o.depths = {1, 2};
  o.kernels = {3, 5};
  o.expands = {3};
  o.stages.resize(2);
  o.classes = 10;
  MbConvSpace s(o);
  EXPECT_EQ(s.size(), 36);
  // Brute force over every index combination (2^4 kernel settings), canonicalised.
  std::set<Arch> distinct;
  Arch a{std::vector<int>(s.num_decisions(), 0)};
  for (int bits = 0; bits < 64; ++bits) {  // 2 depths and 4 kernels, one bit each
    a.choice[s.depth_decision(0)] = bits & 1;
    a.choice[s.depth_decision(1)] = (bits >> 1) & 1;
    for (int k = 0; k < 4; ++k) a.choice[s.kernel_decision(k / 2, k % 2)] = (bits >> (2 + k)) & 1;
    distinct.insert(s.canonical(a));
  }
  EXPECT_EQ(distinct.size(), 36u);
  const auto all = s.enumerate();
  EXPECT_EQ(std::set<Arch>(all.begin(), all.end()), distinct);
  for (const auto& x : all) EXPECT_EQ(s.decode(x).node(s.decode(x).outputs()[0]).shape, (ir::Shape{1, 10}));
}

TEST(MbConvSpace, BaseClassProperties) { testing::check_space_properties(MbConvSpace(), 1000, 1, 50); }

TEST(MbConvSpace, CompactString) {
  MbConvSpace s;
  const Arch a = s.parse(kSmallest);
  EXPECT_EQ(s.to_string(a), kSmallest);
  EXPECT_EQ(s.int_value(a, 0), 160);
  const std::string mixed = "r224-w1.2-d4,2,3,2,2-k7,5,3,3,3,3,3,5,7,3,3,3,3-e6,4,3,3,3,3,3,4,6,3,3,3,3";
  const Arch b = s.parse(mixed);
  EXPECT_EQ(s.to_string(b), mixed);
  EXPECT_EQ(s.int_value(b, s.depth_decision(0)), 4);
  EXPECT_EQ(s.int_value(b, s.kernel_decision(0, 0)), 7);
  EXPECT_EQ(s.int_value(b, s.expand_decision(2, 1)), 4);
  EXPECT_EQ(s.value(b, 1), 1.2);
  // The generic form is accepted too.
  EXPECT_EQ(s.parse(s.SearchSpace::to_string(b)), b);
}

TEST(MbConvSpace, CompactStringErrors) {
  MbConvSpace s;
  EXPECT_HWNAS_ERROR(s.parse("r225-w1.0-d2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3"),
                     "mbconv: position 1: 'resolution' has no choice '225' (choices: 160, 176, 192, 208, 224)");
  // "r160-w1.0-d2,2,2,2,2-" is 21 characters; then "k" at 21, "3," at 22, "3," at 24, "9" at 26.
  EXPECT_HWNAS_ERROR(s.parse("r160-w1.0-d2,2,2,2,2-k3,3,9,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3"),
                     "position 26: 'stage2.block1.kernel' has no choice '9' (choices: 3, 5, 7)");
  EXPECT_HWNAS_ERROR(s.parse("r160-w1.0-d2,2,2,2-k3"), "position 10: expected 5 depths (one per stage), got 4");
  EXPECT_HWNAS_ERROR(s.parse("r160-w1.0-d2,2,2,2,2-k3,3-e3,3"),
                     "position 21: expected 10 kernels (one per block of the depths), got 2");
  EXPECT_HWNAS_ERROR(s.parse("r160-x1.0"), "position 5: expected 'w' followed by the width multiplier");
  EXPECT_HWNAS_ERROR(s.parse(std::string(kSmallest) + "-z"), "unexpected text after the expand ratios: 'z'");
}

TEST(MbConvSpace, SmallestNetworkMatchesHandCount) {
  // w1.0, every stage depth 2, k3, expand 3 (per-block counts in blocks_test.cc style):
  //   stem 3*3*3*16 + 32 = 464; block0 464;
  //   stage1 2592 + 4440 = 7,032; stage2 (SE) 9,176 + 19,072 = 28,248;
  //   stage3 16,120 + 41,680 = 57,800; stage4 (SE) 80,448 + 139,416 = 219,864;
  //   stage5 (SE) 155,640 + 275,960 = 431,600;
  //   head 160*960 + 1920 + 960*1280 + 1280*1000 + 1000 = 2,665,320.
  //   total 3,410,792.
  MbConvSpace s;
  const ir::Graph g = s.decode(s.parse(kSmallest));
  EXPECT_EQ(ir::compute_stats(g).params, 3'410'792);
  EXPECT_EQ(g.node(0).shape, (ir::Shape{1, 160, 160, 3}));
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 1000}));
  // Squeeze-excite in stages 2, 4, 5 (2 blocks each); hardswish in stem, stages 3-5, head.
  EXPECT_EQ(count_ops(g, ir::OpKind::Mul), 6);
  EXPECT_EQ(count_ops(g, ir::OpKind::HardSigmoid), 6);
  // hardswish: stem 1 + 6 blocks x 2 + final expand + feature mix = 15.
  EXPECT_EQ(count_ops(g, ir::OpKind::HardSwish), 15);
  // Residual adds: block0 + the second block of each stage = 6.
  EXPECT_EQ(count_ops(g, ir::OpKind::Add), 6);
}

TEST(MbConvSpace, WidthAndResolutionScale) {
  MbConvSpace s;
  const ir::Graph g = s.decode(s.parse("r224-w1.2-d2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3"));
  EXPECT_EQ(g.node(0).shape, (ir::Shape{1, 224, 224, 3}));
  // OFA w1.2: stem make_divisible(19.2) = 24; last stage 192; head 1152 and 1536.
  EXPECT_EQ(g.node(g.find("stem.conv").value()).shape, (ir::Shape{1, 112, 112, 24}));
  EXPECT_EQ(g.node(g.find("stage5.block2.project.conv").value()).shape, (ir::Shape{1, 7, 7, 192}));
  EXPECT_EQ(g.node(g.find("head.feature_mix").value()).shape, (ir::Shape{1, 1, 1, 1536}));
}

TEST(MbConvSpace, RestrictedKernelsNeverAppear) {
  MbConvSpace s;
  for (int st = 0; st < 5; ++st)
    for (int b = 0; b < 4; ++b) s.restrict(s.kernel_decision(st, b), {"3", "5"});
  EXPECT_DOUBLE_EQ(s.size(), 10 * std::pow(6.0 * 6 + 216 + 1296, 5));  // (6^2 + 6^3 + 6^4)^5 * 10
  Rng rng(3);
  for (int i = 0; i < 100; ++i) {
    const Arch a = s.sample(rng);
    const ir::Graph g = s.decode(a);
    for (const auto& n : g.nodes())
      if (n.op == ir::OpKind::DepthwiseConv2D) {
        ASSERT_LT(n.attrs.kernel_h, 7) << s.to_string(a);
      }
  }
}

}  // namespace
}  // namespace hwnas::space
