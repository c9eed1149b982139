#include "hwnas/space/model_ref.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/models/dscnn.h"
#include "hwnas/models/nb201.h"
#include "hwnas/space/mbconv_space.h"
#include "testing.h"

namespace hwnas::space {
namespace {

const char* kCell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

ir::Shape output_shape(const ir::Graph& g) { return g.node(g.outputs()[0]).shape; }

TEST(LoadModel, BuiltinModel) { EXPECT_EQ(load_model("dscnn-mlperf"), models::dscnn(models::dscnn_preset("mlperf"))); }

TEST(LoadModel, SpaceArchitecture) {
  EXPECT_EQ(load_model(std::string("nb201:") + kCell), models::nb201(models::parse_nb201(kCell)));
  // Overrides reach the space: NB201 on CIFAR-100.
  EXPECT_EQ(output_shape(load_model(std::string("nb201:") + kCell, {.classes = 100})), (ir::Shape{1, 100}));
  const std::string mb = "r160-w1.0-d2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3";
  const ir::Graph g = load_model("mbconv:" + mb);
  EXPECT_EQ(g.name(), "mbconv:" + mb);
  EXPECT_EQ(g.node(0).shape, (ir::Shape{1, 160, 160, 3}));
  EXPECT_EQ(output_shape(load_model("efficientnet:b0", {.classes = 10})), (ir::Shape{1, 10}));
}

TEST(LoadModel, AMakerIsAskedFirstAndMayDecline) {
  std::vector<std::string> asked;
  const SpaceMaker maker = [&](std::string_view name, const models::ModelOverrides&) -> std::unique_ptr<SearchSpace> {
    asked.emplace_back(name);
    if (name == "tiny") return std::make_unique<MbConvSpace>();
    return nullptr;  // declined: the built-in spaces are tried
  };
  const std::string mb = "r160-w1.0-d2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3-e3,3,3,3,3,3,3,3,3,3";
  EXPECT_EQ(load_model("tiny:" + mb, {}, maker), load_model("mbconv:" + mb));
  EXPECT_EQ(load_model(std::string("nb201:") + kCell, {}, maker), models::nb201(models::parse_nb201(kCell)));
  EXPECT_EQ(asked, (std::vector<std::string>{"tiny", "nb201"}));
  EXPECT_HWNAS_ERROR(load_model("huge:" + mb, {}, maker), "unknown search space");
}

TEST(LoadModel, YamlSpaceArchitecture) {
  const std::string path = (hwnas::testing::source_dir() / "examples" / "spaces" / "kws-tiny.yaml").string();
  const ir::Graph g =
      load_model(path +
                 ":stem.channels=32,stages[0].repeat=1,stages[0].channels=32,stages[0].block1.kernel=3,"
                 "stages[1].repeat=1,stages[1].channels=64,stages[1].block1.kernel=3,stages[1].block1.expand=2,"
                 "stages[1].block1.se=false,stages[1].block1.activation=relu");
  EXPECT_EQ(output_shape(g), (ir::Shape{1, 12}));
}

TEST(LoadModel, GraphJsonFile) {
  const auto dir = hwnas::testing::temp_dir();
  const ir::Graph g = models::dscnn(models::dscnn_preset("s"));
  ir::save_graph(g, dir / "m.json");
  EXPECT_EQ(load_model((dir / "m.json").string()), g);
  EXPECT_HWNAS_ERROR(load_model((dir / "m.json").string(), {.classes = 3}), "cannot be overridden");
  EXPECT_HWNAS_ERROR(load_model((dir / "missing.json").string()), "(read as a graph JSON file)");
}

TEST(LoadModel, ErrorsSayWhichFormWasTried) {
  EXPECT_HWNAS_ERROR(load_model("nb201:|conv~0|"),
                     "model 'nb201:|conv~0|' (read as <space>:<arch>): nb201 arch position");
  EXPECT_HWNAS_ERROR(load_model("nb202:x"), "(read as <space>:<arch>): space 'nb202': unknown search space");
  EXPECT_HWNAS_ERROR(load_model("mbconv:r160", {.resolution = 224}), "cannot override the resolution to 224");
  EXPECT_HWNAS_ERROR(load_model("resnet50"), "model 'resnet50': is not a built-in model (efficientnet-b0");
  EXPECT_HWNAS_ERROR(load_model("resnet50"),
                     "not <space>:<arch> (spaces: nb201, mbconv, dscnn, efficientnet, ssdlite-mbconv)");
}

TEST(ModelRef, FixedShapesComeFromFiles) {
  EXPECT_TRUE(has_fixed_shapes("runs/model.json"));
  EXPECT_TRUE(has_fixed_shapes("spaces/inspection.yaml:r160-w0.5"));
  EXPECT_TRUE(has_fixed_shapes("spaces/kws.yml@cortex-m7-f746:d2-c64"));
  EXPECT_FALSE(has_fixed_shapes("efficientnet-b0"));
  EXPECT_FALSE(has_fixed_shapes("mbconv@npu-generic:r224-w1.0"));
  EXPECT_FALSE(has_fixed_shapes("nb201:|nor_conv_3x3~0|+|skip_connect~0|none~1|+|"));
}

}  // namespace
}  // namespace hwnas::space
