// The `detector: ssdlite` form of a YAML space file (src/space/detection_yaml.cc).
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/space/detection_space.h"
#include "hwnas/space/yaml_space.h"
#include "properties.h"
#include "testing.h"

namespace hwnas::space {
namespace {

TEST(DetectionYaml, TheInspectionSetsSpace) {
  const auto s = load_yaml_space(hwnas::testing::source_dir() / "examples" / "spaces" / "inspection-ssdlite.yaml");
  EXPECT_EQ(s->name(), "inspection-ssdlite");
  Rng rng(11);
  for (int i = 0; i < 5; ++i) {
    const ir::Graph g = s->decode(s->sample(rng));
    EXPECT_EQ(g.node(g.outputs()[1]).shape[2], 6);  // 5 classes + background
    EXPECT_EQ(g.node(g.outputs()[0]).shape[1], g.node(g.outputs()[1]).shape[1]);
  }
  testing::check_space_properties(*s, 30, 2, 10);
}

TEST(DetectionYaml, ErrorsNameTheLineAndTheKey) {
  EXPECT_HWNAS_ERROR(parse_yaml_space("name: d\ndetector: yolo\nclasses: 5\n", "d.yaml"),
                     "d.yaml:2: detector: unknown detector 'yolo' (expected ssdlite)");
  EXPECT_HWNAS_ERROR(parse_yaml_space("name: d\ndetector: ssdlite\nclasses: 5\nanchors: [3, 0]\n", "d.yaml"),
                     "d.yaml:4: anchors[1]: expected a positive integer, got '0'");
  EXPECT_HWNAS_ERROR(parse_yaml_space("name: d\ndetector: ssdlite\nclasses: 5\nanchor: [3]\n", "d.yaml"),
                     "d.yaml:4: anchor: unknown key");
  EXPECT_HWNAS_ERROR(parse_yaml_space("name: d\ndetector: ssdlite\nclasses: 5\nfirst_map_stride: [8, 32]\n", "d.yaml"),
                     "d.yaml:4: first_map_stride: must be 8 or 16, got 32");
}

TEST(DetectionYaml, ScalarsAreFixedAndListsAreChoices) {
  const auto s =
      parse_yaml_space("name: d\ndetector: ssdlite\nclasses: 3\nresolution: 128\nwidth: [0.5, 1.0]\nextras: [0, 2]\n",
                       "d.yaml");
  const auto* det = dynamic_cast<const DetectionSpace*>(s.get());
  ASSERT_TRUE(det);
  EXPECT_EQ(det->options().resolutions, std::vector<int>{128});
  EXPECT_EQ(det->options().widths, (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(det->options().extras, (std::vector<int>{0, 2}));
  EXPECT_EQ(det->options().classes, 3);
  // No extra layers: an empty width list in the string, and two maps (strides 16 and 32 at
  // 128: 8x8 and 4x4; 3 anchors on the first, 6 on the second: 192 + 96 = 288).
  const ir::Graph g = s->decode(s->parse("r128-w0.5-d1,1,1,1,1,1-k3,3,3,3,3,3-e3,3,3,3,3,3-f16-x0-c-a3,6"));
  EXPECT_EQ(g.node(g.outputs()[0]).shape, (ir::Shape{1, 288, 4}));
  EXPECT_EQ(g.node(g.outputs()[1]).shape, (ir::Shape{1, 288, 4}));  // 3 classes + background
}

}  // namespace
}  // namespace hwnas::space
