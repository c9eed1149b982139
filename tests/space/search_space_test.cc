#include "hwnas/space/search_space.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::space {
namespace {

// A tiny space: "act" (2 labels, not numeric), "depth" {1, 2}, "b1.k" {3, 5} (always active,
// gate block 0), "b2.k" {3, 5, 7} (active only when depth > 1).
// Networks by hand: act 2 x (depth 1: 2 kernels + depth 2: 2 * 3 kernels) = 2 x 8 = 16.
class TinySpace : public SearchSpace {
 public:
  TinySpace()
      : SearchSpace("tiny", {{"act", {"relu", "swish"}},
                             {"depth", {"1", "2"}},
                             {"b1.k", {"3", "5"}},
                             {"b2.k", {"3", "5", "7"}}}) {
    gate(2, 1, 0);
    gate(3, 1, 1);
  }
  ir::Graph decode(const Arch& a) const override {
    ir::GraphBuilder b("tiny");
    int x = b.input({1, 8, 8, 4});
    for (int blk = 0; blk < int_value(a, 1); ++blk) x = b.depthwise(x, int_value(a, 2 + blk));
    return b.finish({x});
  }
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<TinySpace>(*this); }
};

// No gates: every decision always matters; 3 * 4 = 12 networks.
class FlatSpace : public SearchSpace {
 public:
  FlatSpace() : SearchSpace("flat", {{"a", {"1", "2", "3"}}, {"b", {"x", "y", "z", "w"}}}) {}
  ir::Graph decode(const Arch&) const override { return ir::Graph("flat"); }
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<FlatSpace>(*this); }
};

Arch A(std::vector<int> c) { return Arch{std::move(c)}; }

TEST(SearchSpace, SizeIsTheNumberOfDistinctNetworks) {
  EXPECT_EQ(FlatSpace().size(), 12);
  TinySpace s;
  EXPECT_EQ(s.size(), 16);
  // Brute force, independent of the gate formula: canonicalise every index combination.
  std::set<Arch> distinct;
  for (int a = 0; a < 2; ++a)
    for (int d = 0; d < 2; ++d)
      for (int k1 = 0; k1 < 2; ++k1)
        for (int k2 = 0; k2 < 3; ++k2) distinct.insert(s.canonical(A({a, d, k1, k2})));
  EXPECT_EQ(distinct.size(), 16u);
}

TEST(SearchSpace, EnumerateGivesEachNetworkOnceInOrder) {
  TinySpace s;
  const auto all = s.enumerate();
  ASSERT_EQ(all.size(), 16u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::set<Arch>(all.begin(), all.end()).size(), 16u);
  for (const auto& a : all) EXPECT_EQ(s.canonical(a), a);
  EXPECT_EQ(all.front(), A({0, 0, 0, 0}));
  EXPECT_EQ(all.back(), A({1, 1, 1, 2}));
  EXPECT_HWNAS_ERROR(s.enumerate(15), "has 16 architectures, more than the enumeration limit of 15");
}

TEST(SearchSpace, ActiveAndCanonical) {
  TinySpace s;
  EXPECT_FALSE(s.active(A({0, 0, 1, 2}), 3));
  EXPECT_TRUE(s.active(A({0, 1, 1, 2}), 3));
  EXPECT_EQ(s.canonical(A({1, 0, 1, 2})), A({1, 0, 1, 0}));
  EXPECT_EQ(s.canonical(A({1, 1, 1, 2})), A({1, 1, 1, 2}));
}

TEST(SearchSpace, SampleIsUniformOverDistinctNetworks) {
  // With gates, depth 2 (12 networks) must come up 3x as often as depth 1 (4 networks), and
  // each of the 16 networks about 1/16 of the time.
  TinySpace s;
  Rng rng(7);
  std::map<Arch, int> count;
  const int n = 32000;
  for (int i = 0; i < n; ++i) {
    Arch a = s.sample(rng);
    ASSERT_EQ(s.canonical(a), a);
    ++count[a];
  }
  EXPECT_EQ(count.size(), 16u);
  for (const auto& [a, c] : count) EXPECT_NEAR(c, n / 16, 150) << s.to_string(a);  // ~5 sigma (sd 43)
}

TEST(SearchSpace, SampleIsDeterministicBySeed) {
  TinySpace s;
  Rng r1(3), r2(3), r3(4);
  std::vector<Arch> a, b, c;
  for (int i = 0; i < 50; ++i) a.push_back(s.sample(r1)), b.push_back(s.sample(r2)), c.push_back(s.sample(r3));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(SearchSpace, MutateChangesExactlyOneActiveDecision) {
  TinySpace s;
  Rng rng(11);
  std::set<Arch> seen;
  const Arch a = A({0, 1, 0, 1});
  for (int i = 0; i < 200; ++i) {
    const Arch m = s.mutate(a, rng);
    EXPECT_NE(m, a);
    EXPECT_EQ(s.canonical(m), m);
    // Decisions that matter in both and differ; a depth change may switch blocks on or off.
    int changed = 0;
    for (int d = 0; d < s.num_decisions(); ++d)
      changed += s.active(a, d) && s.active(m, d) && m.choice[d] != a.choice[d];
    EXPECT_EQ(changed, 1) << s.to_string(m);
    seen.insert(m);
  }
  // Every mutation is a neighbour, and all of them come up: 1 + 1 + 1 + 2 = 5.
  const auto nb = s.neighbours(a);
  EXPECT_EQ(seen, std::set<Arch>(nb.begin(), nb.end()));
}

TEST(SearchSpace, MutateOfTheOnlyNetworkThrows) {
  FlatSpace s;
  s.restrict(0, {"2"});
  s.restrict(1, {"y"});
  Rng rng(1);
  EXPECT_HWNAS_ERROR(s.mutate(A({0, 0}), rng), "single architecture");
}

TEST(SearchSpace, NeighboursAreAllOneDecisionChanges) {
  TinySpace s;
  // depth 2: act 1 + depth 1 + b1.k 1 + b2.k 2 = 5; depth 1: act 1 + depth 1 + b1.k 1 = 3.
  const auto n2 = s.neighbours(A({0, 1, 0, 1}));
  EXPECT_EQ(n2.size(), 5u);
  EXPECT_EQ(std::set<Arch>(n2.begin(), n2.end()).size(), 5u);
  const auto n1 = s.neighbours(A({1, 0, 1, 0}));
  EXPECT_EQ(n1.size(), 3u);
  // Going from depth 1 to 2 activates b2.k at its first choice.
  EXPECT_NE(std::find(n1.begin(), n1.end(), A({1, 1, 1, 0})), n1.end());
  // From depth 2 to 1 resets b2.k (canonical).
  EXPECT_NE(std::find(n2.begin(), n2.end(), A({0, 0, 0, 0})), n2.end());
}

TEST(SearchSpace, StringRoundTrip) {
  TinySpace s;
  EXPECT_EQ(s.to_string(A({1, 0, 1, 0})), "act=swish,depth=1,b1.k=5");
  EXPECT_EQ(s.to_string(A({0, 1, 0, 2})), "act=relu,depth=2,b1.k=3,b2.k=7");
  for (const auto& a : s.enumerate()) EXPECT_EQ(s.parse(s.to_string(a)), a);
  // Order of the tokens does not matter.
  EXPECT_EQ(s.parse("b2.k=7,depth=2,b1.k=3,act=relu"), A({0, 1, 0, 2}));
}

TEST(SearchSpace, ParseErrorsNameThePosition) {
  TinySpace s;
  //        0         1         2
  //        0123456789012345678901234567
  EXPECT_HWNAS_ERROR(s.parse("act=relu,dpth=1,b1.k=3"),
                     "tiny: position 9: unknown decision 'dpth' (decisions: act, depth, b1.k, b2.k)");
  EXPECT_HWNAS_ERROR(s.parse("act=relu,depth=1,b1.k=9"), "tiny: position 22: 'b1.k' has no choice '9' (choices: 3, 5)");
  EXPECT_HWNAS_ERROR(s.parse("act=relu,depth=1,act=swish,b1.k=3"),
                     "position 17: decision 'act' is given twice (first at position 0)");
  EXPECT_HWNAS_ERROR(s.parse("act=relu,depth=2,b1.k=3"), "does not set decision 'b2.k' (choices: 3, 5, 7)");
  EXPECT_HWNAS_ERROR(s.parse("act=relu,depth=1,b1.k=3,b2.k=5"),
                     "position 24: decision 'b2.k' does not apply to this architecture (it is inactive)");
  EXPECT_HWNAS_ERROR(s.parse("act=relu,depth"), "position 9: expected name=choice, got 'depth'");
  EXPECT_HWNAS_ERROR(s.parse(""), "does not set decision 'act'");
}

TEST(SearchSpace, Values) {
  TinySpace s;
  const Arch a = A({1, 1, 1, 2});
  EXPECT_EQ(s.value(a, 3), 7.0);
  EXPECT_EQ(s.int_value(a, 1), 2);
  EXPECT_EQ(s.label(a, 0), "swish");
  EXPECT_HWNAS_ERROR(s.value(a, 0), "tiny: act: choice 'swish' is not a number");
}

TEST(SearchSpace, CheckRejectsBadIndices) {
  TinySpace s;
  EXPECT_HWNAS_ERROR(s.check(A({0, 0})), "architecture has 2 choices, expected one per decision (4)");
  EXPECT_HWNAS_ERROR(s.check(A({0, 0, 2, 0})), "tiny: b1.k: choice index 2 is out of range 0..1");
  EXPECT_HWNAS_ERROR(s.to_string(A({0, -1, 0, 0})), "out of range");
}

TEST(SearchSpace, RestrictKeepsOnlyTheListedChoices) {
  TinySpace s;
  s.restrict(3, {"7", "3"});
  EXPECT_EQ(s.decisions()[3].choices, (std::vector<std::string>{"3", "7"}));  // original order
  EXPECT_EQ(s.size(), 2 * (2 + 2 * 2));
  Rng rng(5);
  for (int i = 0; i < 200; ++i) {
    const Arch a = s.sample(rng);
    EXPECT_EQ(s.to_string(a).find("b2.k=5"), std::string::npos);
    const ir::Graph g = s.decode(a);  // decodes by label: index 1 is now kernel 7
    if (s.int_value(a, 1) == 2) {
      EXPECT_EQ(g.node(2).attrs.kernel_h, s.int_value(a, 3));
    }
  }
  EXPECT_HWNAS_ERROR(s.parse("act=relu,depth=2,b1.k=3,b2.k=5"), "'b2.k' has no choice '5' (choices: 3, 7)");
  EXPECT_HWNAS_ERROR(s.restrict(3, {"9"}), "cannot keep '9': not a choice (choices: 3, 7)");
  EXPECT_HWNAS_ERROR(s.restrict(3, {}), "would leave no choice");
  // Restricting a depth changes the count: depth 2 only -> 2 acts x 2 x 2 = 8.
  s.restrict(1, {"2"});
  EXPECT_EQ(s.size(), 8);
  EXPECT_EQ(s.enumerate().size(), 8u);
}

TEST(SearchSpace, ArchHashSeparatesArchs) {
  ArchHash h;
  EXPECT_EQ(h(A({1, 2})), h(A({1, 2})));
  EXPECT_NE(h(A({1, 2})), h(A({2, 1})));
}

}  // namespace
}  // namespace hwnas::space
