#include "hwnas/space/yaml_space.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "properties.h"
#include "testing.h"

namespace hwnas::space {
namespace {

std::unique_ptr<SearchSpace> example() {
  return load_yaml_space(hwnas::testing::source_dir() / "examples" / "spaces" / "kws-tiny.yaml");
}

TEST(YamlSpace, ExampleLoadsWithTheExpectedDecisions) {
  const auto s = example();
  EXPECT_EQ(s->name(), "kws-tiny");
  std::vector<std::string> names;
  for (const auto& d : s->decisions()) names.push_back(d.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"stem.channels", "stages[0].repeat", "stages[0].channels",
                                      "stages[0].block1.kernel", "stages[0].block2.kernel", "stages[0].block3.kernel",
                                      "stages[1].repeat", "stages[1].channels", "stages[1].block1.kernel",
                                      "stages[1].block1.expand", "stages[1].block1.se", "stages[1].block1.activation",
                                      "stages[1].block2.kernel", "stages[1].block2.expand", "stages[1].block2.se",
                                      "stages[1].block2.activation"}));
  EXPECT_EQ(s->decisions()[9].choices, (std::vector<std::string>{"2", "4"}));
  EXPECT_EQ(s->decisions()[10].choices, (std::vector<std::string>{"false", "true"}));
}

TEST(YamlSpace, ExampleSizeByHand) {
  // stem 3 widths; stage 1: 3 widths x (2 + 2^2 + 2^3) kernels = 42; stage 2: 2 widths x
  // (16 + 16^2) (kernel x expand x se x activation = 16 per block) = 544. 3 * 42 * 544 = 68,544.
  const auto s = example();
  EXPECT_EQ(s->size(), 68'544);
  EXPECT_EQ(s->enumerate().size(), 68'544u);
}

TEST(YamlSpace, BaseClassProperties) { testing::check_space_properties(*example(), 1000, 5, 10); }

TEST(YamlSpace, DecodeMatchesHandCount) {
  // stem 10x4 conv, stride 2, 32 ch: 1280 + 64 = 1344, map 24 x 5 (pads 4 and 1);
  // dsconv 32 -> 32 k3: 288 + 64 + 1024 + 64 = 1440;
  // mbconv 32 -> 64 k3 expand 2 (mid 64): 2048 + 128 + 576 + 128 + 4096 + 128 = 7104;
  // FC 64*12 + 12 = 780. Total 10,668.
  const auto s = example();
  const Arch a = s->parse(
      "stem.channels=32,stages[0].repeat=1,stages[0].channels=32,stages[0].block1.kernel=3,stages[1].repeat=1,"
      "stages[1].channels=64,stages[1].block1.kernel=3,stages[1].block1.expand=2,stages[1].block1.se=false,"
      "stages[1].block1.activation=relu");
  const ir::Graph g = s->decode(a);
  EXPECT_EQ(ir::compute_stats(g).params, 10'668);
  EXPECT_EQ(g.node(g.find("stem.conv").value()).shape, (ir::Shape{1, 24, 5, 32}));
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 12}));
}

TEST(YamlSpace, SqueezeExciteAndHardswishAppearWhenChosen) {
  const auto s = example();
  const Arch a = s->parse(
      "stem.channels=32,stages[0].repeat=1,stages[0].channels=32,stages[0].block1.kernel=3,stages[1].repeat=2,"
      "stages[1].channels=64,stages[1].block1.kernel=5,stages[1].block1.expand=4,stages[1].block1.se=true,"
      "stages[1].block1.activation=hardswish,stages[1].block2.kernel=3,stages[1].block2.expand=2,"
      "stages[1].block2.se=false,stages[1].block2.activation=relu");
  const ir::Graph g = s->decode(a);
  int mul = 0, hswish = 0, add = 0;
  for (const auto& n : g.nodes()) {
    mul += n.op == ir::OpKind::Mul;
    hswish += n.op == ir::OpKind::HardSwish;
    add += n.op == ir::OpKind::Add;
  }
  EXPECT_EQ(mul, 1);
  EXPECT_EQ(hswish, 2);
  EXPECT_EQ(add, 1);  // the second mbconv block: 64 -> 64, stride 1
}

TEST(YamlSpace, RestrictThenDecode) {
  auto s = example();
  s->restrict(1, {"3"});  // stage 1 depth fixed at 3
  Rng rng(2);
  for (int i = 0; i < 50; ++i) {
    const Arch a = s->sample(rng);
    const ir::Graph g = s->decode(a);
    EXPECT_TRUE(g.find("stage1.block3.pw.conv").has_value()) << s->to_string(a);
  }
}

// Each error names the file, the line and the YAML path.
void expect_error(const std::string& yaml, const std::string& needle) {
  EXPECT_HWNAS_ERROR(parse_yaml_space(yaml, "space.yaml"), needle);
}

const std::string kHead = "name: t\ninput: [49, 10, 1]\nclasses: 12\n";

TEST(YamlSpace, SyntaxError) {
  expect_error("name: t\ninput: [49, 10\nclasses: 3\n", "space.yaml:3: is not valid YAML");
}

TEST(YamlSpace, UnknownBlockType) {
  expect_error(kHead + "stages:\n  - repeat: [1, 2]\n    block:\n      type: dconv\n      channels: 8\n",
               "space.yaml:7: stages[0].block.type: unknown block type 'dconv' (expected conv, dsconv, mbconv)");
}

TEST(YamlSpace, UnknownKeys) {
  expect_error(kHead + "stages:\n  - block: {type: dsconv, channels: 8, kernal: 3}\n",
               "space.yaml:5: stages[0].block.kernal: unknown key (expected type, channels, kernel, stride, "
               "activation, residual)");
  expect_error(kHead + "stages:\n  - block: {type: conv, channels: 8, expand: 3}\n",
               "space.yaml:5: stages[0].block.expand: unknown key");
  expect_error("name: t\nclases: 3\n", "space.yaml:2: clases: unknown key (expected name, input, classes, stem");
}

TEST(YamlSpace, WrongTypes) {
  expect_error("name: t\ninput: [49, 10, 1]\nclasses: abc\nstages: []\n",
               "space.yaml:3: classes: expected a positive integer, got 'abc'");
  expect_error(kHead + "stages: {a: 1}\n", "space.yaml:4: stages: expected a list of stages, got a map");
  expect_error(kHead + "stages:\n  - block: {type: mbconv, channels: 8, se: maybe}\n",
               "space.yaml:5: stages[0].block.se: expected true or false, got 'maybe'");
  expect_error(kHead + "stages:\n  - block: {type: conv, channels: 8, activation: [relu, gelu]}\n",
               "space.yaml:5: stages[0].block.activation[1]: unknown activation 'gelu'");
  expect_error("name: t\ninput: [49, 10]\nclasses: 2\nstages: []\n",
               "space.yaml:2: input: expected the input shape [height, width, channels], got a list");
}

TEST(YamlSpace, BadChoiceLists) {
  expect_error(kHead + "stages:\n  - block: {type: dsconv, channels: [], kernel: 3}\n",
               "space.yaml:5: stages[0].block.channels: is an empty choice list");
  expect_error(kHead + "stages:\n  - block: {type: dsconv, channels: 8, kernel: [3, 5, 3]}\n",
               "space.yaml:5: stages[0].block.kernel[2]: choice '3' is listed twice");
  expect_error(kHead + "stem: {channels: 8, stride: [2, 2]}\nstages:\n  - block: {type: conv, channels: 8}\n",
               "space.yaml:4: stem.stride[1]: choice '2' is listed twice (a list is a choice; a fixed [h, w] pair "
               "is written [[h, w]])");
  expect_error(kHead + "stages:\n  - repeat: [0, 2]\n    block: {type: conv, channels: 8}\n",
               "space.yaml:5: stages[0].repeat[0]: expected a positive integer, got '0'");
  expect_error(kHead + "stages:\n  - block: {type: mbconv, channels: 8, expand: [4, -1]}\n",
               "space.yaml:5: stages[0].block.expand[1]: expected a positive number, got '-1'");
  expect_error(kHead + "stages:\n  - block: {type: mbconv, channels: 8, kernel: [[3, 3]]}\n",
               "space.yaml:5: stages[0].block.kernel[0]: expected a positive integer, got a list");
}

TEST(YamlSpace, MissingSettings) {
  expect_error(kHead + "stages:\n  - block: {type: dsconv}\n", "space.yaml:5: stages[0].block.channels: is required");
  expect_error("name: t\ninput: [49, 10, 1]\nstages: []\n", "space.yaml:1: classes: is required");
}

TEST(YamlSpace, SpaceThatCannotBuildFailsAtLoad) {
  expect_error(
      "name: t\ninput: [1, 1, 1]\nclasses: 2\nstem: {channels: 8, kernel: [[10, 4]]}\n"
      "stages:\n  - block: {type: conv, channels: 8}\n",
      "space.yaml: the space's first architecture does not build");
}

TEST(YamlSpace, FixedValuesMakeNoDecisions) {
  const auto s =
      parse_yaml_space(kHead +
                           "stem: {channels: [16], kernel: [[10, 4]], stride: [[2, 1]]}\n"
                           "stages:\n  - repeat: 2\n    block: {type: conv, channels: 8, kernel: [[3, 1], 5]}\n",
                       "space.yaml");
  ASSERT_EQ(s->num_decisions(), 2);  // the two blocks' kernels
  EXPECT_EQ(s->decisions()[0].choices, (std::vector<std::string>{"3x1", "5"}));
  const ir::Graph g = s->decode(s->parse("stages[0].block1.kernel=3x1,stages[0].block2.kernel=5"));
  // H (49 + 2*4 - 10)/2 + 1 = 24; W (10 + 2*1 - 4)/1 + 1 = 9 (symmetric pads of an even kernel).
  EXPECT_EQ(g.node(g.find("stem.conv").value()).shape, (ir::Shape{1, 24, 9, 16}));
  EXPECT_EQ(g.node(g.find("stage1.block1.conv").value()).attrs.kernel_w, 1);
}

TEST(YamlSpace, StageStrideAndHeadConvAreDecisions) {
  const auto s = parse_yaml_space(kHead +
                                      "stages:\n  - repeat: 2\n    block: {type: mbconv, channels: 16, stride: [1, 2], "
                                      "expand: 1}\nhead: {channels: [64, 128], activation: hardswish, fc: false}\n",
                                  "space.yaml");
  std::vector<std::string> names;
  for (const auto& d : s->decisions()) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"stages[0].stride", "head.channels"}));
  EXPECT_EQ(s->size(), 4);
  const ir::Graph g = s->decode(s->parse("stages[0].stride=2,head.channels=128"));
  // Only the first block strides: 49x10 -> 25x5; the head conv has 128 channels; no FC.
  EXPECT_EQ(g.node(g.find("stage1.block2.project.conv").value()).shape, (ir::Shape{1, 25, 5, 16}));
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 1, 1, 128}));
  EXPECT_TRUE(g.find("head.hardswish").has_value());
  expect_error(kHead + "stages:\n  - block: {type: conv, channels: 8}\nhead: {activation: relu}\n",
               "space.yaml:6: head.activation: applies to the head conv only; set head.channels too");
  expect_error(kHead + "stages:\n  - block: {type: conv, channels: 8}\nhead: {pool: max}\n",
               "space.yaml:6: head.pool: unknown pool 'max' (expected global_avg)");
}

TEST(YamlSpace, PathDetection) {
  EXPECT_TRUE(is_yaml_path("a/b.yaml"));
  EXPECT_TRUE(is_yaml_path("b.yml"));
  EXPECT_FALSE(is_yaml_path("nb201"));
  EXPECT_HWNAS_ERROR(load_yaml_space("/nonexistent/space.yaml"), "/nonexistent/space.yaml");
}

}  // namespace
}  // namespace hwnas::space
