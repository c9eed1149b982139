#include "hwnas/space/efficientnet_space.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "hwnas/models/efficientnet.h"
#include "properties.h"
#include "testing.h"

namespace hwnas::space {
namespace {

TEST(EfficientNetSpace, EightVariants) {
  EfficientNetSpace s;
  EXPECT_EQ(s.size(), 8);
  const auto all = s.enumerate();
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(s.to_string(all[3]), "b3");
  EXPECT_EQ(s.parse("b7"), Arch{{7}});
  EXPECT_EQ(s.parse("variant=b2"), Arch{{2}});
  EXPECT_EQ(s.neighbours(all[0]).size(), 7u);
}

TEST(EfficientNetSpace, B0HasThePublishedParams) {
  // torchvision's efficientnet_b0: 5,288,548 parameters.
  EfficientNetSpace s;
  EXPECT_EQ(ir::compute_stats(s.decode(s.parse("b0"))).params, 5'288'548);
}

TEST(EfficientNetSpace, BaseClassProperties) { testing::check_space_properties(EfficientNetSpace(), 100, 4, 0); }

TEST(EfficientNetSpace, RestrictedSpaceDecodesByLabel) {
  EfficientNetSpace s(10);
  s.restrict(0, {"b1", "b3"});
  const ir::Graph g = s.decode(Arch{{1}});  // index 1 is now b3
  models::EfficientNetOptions b3 = models::efficientnet_variant(3);
  b3.classes = 10;
  EXPECT_EQ(g, models::efficientnet(b3));
  EXPECT_HWNAS_ERROR(s.parse("b0"), "efficientnet: position 0: 'variant' has no choice 'b0' (choices: b1, b3)");
}

}  // namespace
}  // namespace hwnas::space
