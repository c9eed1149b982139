#include "hwnas/target/model_list_space.h"

#include <gtest/gtest.h>

#include "hwnas/ir/serialize.h"
#include "hwnas/ir/stats.h"
#include "hwnas/target/resolver.h"
#include "testing.h"

namespace hwnas::target {
namespace {

TEST(ModelListSpace, OneDecisionWhoseChoicesAreTheReferences) {
  const ModelListSpace s({"dscnn-s", "dscnn-m", "mobilenetv2-0.35"});
  EXPECT_EQ(s.name(), "models[dscnn-s, dscnn-m, mobilenetv2-0.35]");
  EXPECT_EQ(s.size(), 3);
  ASSERT_EQ(s.num_decisions(), 1);
  EXPECT_EQ(s.decisions()[0].name, "model");
  const auto all = s.enumerate();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(s.to_string(all[1]), "dscnn-m");
  EXPECT_EQ(s.parse("mobilenetv2-0.35"), all[2]);
}

TEST(ModelListSpace, DecodesThroughTheResolver) {
  const ModelListSpace s({"dscnn-s",
                          "nb201:|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|"
                          "nor_conv_3x3~1|nor_conv_3x3~2|"});
  for (const auto& a : s.enumerate()) {
    const std::string ref = s.to_string(a);
    EXPECT_EQ(ir::compute_stats(s.decode(a)).macs, ir::compute_stats(resolve_model(ref)).macs) << ref;
  }
}

TEST(ModelListSpace, TakesGraphFilesAndClones) {
  const auto dir = testing::temp_dir();
  const auto file = (dir / "small.json").string();
  ir::save_graph(resolve_model("dscnn-s"), file);
  const ModelListSpace s({file, "dscnn-m"});
  const auto copy = s.clone();
  EXPECT_EQ(copy->to_string(copy->parse(file)), file);
  EXPECT_EQ(ir::compute_stats(copy->decode(copy->parse(file))).macs, ir::compute_stats(resolve_model("dscnn-s")).macs);
}

TEST(ModelListSpace, ErrorsNameTheModel) {
  EXPECT_HWNAS_ERROR(ModelListSpace({}), "empty");
  EXPECT_HWNAS_ERROR(ModelListSpace({"dscnn-s", "dscnn-s"}), "'dscnn-s' is listed twice");
  EXPECT_HWNAS_ERROR(ModelListSpace({"dscnn-s", "efficientnet-b9"}), "'efficientnet-b9'");
  const ModelListSpace s({"dscnn-s"});
  EXPECT_HWNAS_ERROR(s.parse("dscnn-m"), "'dscnn-m' is not one of the listed models (dscnn-s)");
}

}  // namespace
}  // namespace hwnas::target
