#include "hwnas/space/sample_distinct.h"

#include <set>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/graph.h"
#include "testing.h"

namespace hwnas::space {
namespace {

// 3 * 4 = 12 architectures, every decision always active.
class TwelveSpace : public SearchSpace {
 public:
  TwelveSpace() : SearchSpace("twelve", {{"a", {"1", "2", "3"}}, {"b", {"x", "y", "z", "w"}}}) {}
  ir::Graph decode(const Arch&) const override { return ir::Graph("twelve"); }
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<TwelveSpace>(*this); }
};

TEST(SampleDistinct, DrawsDifferentArchitecturesInSampleOrder) {
  TwelveSpace s;
  Rng rng(3), ref(3);
  const auto archs = sample_distinct(s, 5, rng);
  ASSERT_EQ(archs.size(), 5u);
  EXPECT_EQ(std::set<Arch>(archs.begin(), archs.end()).size(), 5u);
  EXPECT_EQ(archs[0], s.sample(ref));  // the first draw is never a repeat
}

TEST(SampleDistinct, TheWholeSpaceIsAPermutationOfEnumerate) {
  TwelveSpace s;
  Rng rng(11);
  const auto archs = sample_distinct(s, 12, rng);
  const auto all = s.enumerate();
  EXPECT_EQ(std::set<Arch>(archs.begin(), archs.end()), std::set<Arch>(all.begin(), all.end()));
}

TEST(SampleDistinct, SameSeedSameDraws) {
  TwelveSpace s;
  Rng a(42), b(42), c(43);
  const auto x = sample_distinct(s, 8, a);
  EXPECT_EQ(x, sample_distinct(s, 8, b));
  EXPECT_NE(x, sample_distinct(s, 8, c));  // seeds 42 and 43 give different orders
}

TEST(SampleDistinct, MoreThanTheSpaceHoldsNamesItsSize) {
  TwelveSpace s;
  Rng rng(1);
  EXPECT_HWNAS_ERROR(sample_distinct(s, 13, rng), "twelve: has 12 architectures; cannot draw 13 different ones");
  EXPECT_TRUE(sample_distinct(s, 0, rng).empty());
}

}  // namespace
}  // namespace hwnas::space
