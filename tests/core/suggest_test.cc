// Edit distances worked out by hand, and the typo threshold of closest_match.
#include "hwnas/core/suggest.h"

#include <gtest/gtest.h>

namespace hwnas {
namespace {

TEST(EditDistance, HandCounted) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);            // three deletions
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);       // -f, +n
  EXPECT_EQ(edit_distance("mobilenet-v2", "mobilenetv2"), 1u);
}

TEST(ClosestMatch, SuggestsTyposOnly) {
  const std::vector<std::string> names = {"efficientnet-b0", "efficientnet-b1", "dscnn-s", "dscnn-m"};
  EXPECT_EQ(closest_match("efficientnet-b9", names), "efficientnet-b0");  // first of the ties at 1
  EXPECT_EQ(closest_match("efficentnet-b1", names), "efficientnet-b1");   // 1 edit
  EXPECT_EQ(closest_match("dscnn-x", names), "dscnn-s");
  // "resnet" is 6 edits or more from every name, over max(2, 6 / 3) = 2.
  EXPECT_EQ(closest_match("resnet", names), "");
  EXPECT_EQ(closest_match("anything", {}), "");
}

}  // namespace
}  // namespace hwnas
