#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/space/search_space.h"
#include "testing.h"

namespace hwnas::space {
namespace {

TEST(MakeSpace, EveryBuiltinByName) {
  const std::vector<std::string> names = builtin_space_names();
  EXPECT_EQ(names, (std::vector<std::string>{"nb201", "mbconv", "dscnn", "efficientnet", "ssdlite-mbconv"}));
  for (const auto& n : names) {
    const auto s = make_space(n);
    EXPECT_EQ(s->name(), n);
    const auto c = s->clone();
    EXPECT_EQ(c->size(), s->size());
  }
  EXPECT_EQ(make_space("nb201")->size(), 15625);
}

TEST(MakeSpace, YamlFile) {
  const auto s = make_space((hwnas::testing::source_dir() / "examples" / "spaces" / "kws-tiny.yaml").string());
  EXPECT_EQ(s->name(), "kws-tiny");
}

TEST(MakeSpace, UnknownNameListsTheBuiltins) {
  EXPECT_HWNAS_ERROR(make_space("nb202"),
                     "space 'nb202': unknown search space (built-in: nb201, mbconv, dscnn, efficientnet, ssdlite-mbconv; "
                     "or a "
                     ".yaml/.yml space file)");
}

}  // namespace
}  // namespace hwnas::space
