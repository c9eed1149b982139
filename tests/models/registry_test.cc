// The registry: every name builds the model it names (graph named after it), overrides reach
// the right layers, and bad names or overrides are errors that say what would work.
// Published figures reused here: torchvision's MobileNetV2 (3,504,872 params) and
// EfficientNet-B2 (9,109,994 params, 1.088 G MACs at its 288 eval crop).
#include "hwnas/models/registry.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "hwnas/models/dscnn.h"
#include "testing.h"

namespace hwnas::models {
namespace {

TEST(Registry, ListsTheFamilies) {
  const std::vector<std::string> names = builtin_model_names();
  for (const char* n :
       {"efficientnet-b0", "efficientnet-b7", "mobilenetv2-1.0", "mobilenetv2-0.75", "mobilenetv2-0.5",
        "mobilenetv2-0.35", "mobilenetv2-1.4", "dscnn-mlperf", "dscnn-s", "dscnn-m", "dscnn-l", "ssdlite-mobilenetv2"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_EQ(names.size(), 8u + 5u + 4u + 1u);
}

TEST(Registry, EveryNameBuildsAGraphOfThatName) {
  for (const std::string& n : builtin_model_names()) {
    EXPECT_TRUE(is_builtin_model(n)) << n;
    EXPECT_EQ(builtin_model(n).name(), n);
  }
}

TEST(Registry, BuildsThePublishedModels) {
  EXPECT_EQ(ir::compute_stats(builtin_model("mobilenetv2-1.0")).params, 3504872);
  EXPECT_EQ(ir::compute_stats(builtin_model("efficientnet-b0")).params, 5288548);
  EXPECT_EQ(builtin_model("efficientnet-b3").node(0).shape, (ir::Shape{1, 300, 300, 3}));  // paper's resolution
  DsCnnOptions mlperf = dscnn_preset("mlperf");
  EXPECT_EQ(builtin_model("dscnn-mlperf"), dscnn(mlperf));
  const ir::Graph ssd = builtin_model("ssdlite-mobilenetv2");
  EXPECT_EQ(ssd.node(ssd.outputs()[1]).shape, (ir::Shape{1, 2034, 91}));
}

// Any positive width: 0.6 -> stem make_divisible(19.2): int(23.2) // 8 * 8 = 16 < 0.9 * 19.2
// = 17.28, so 24 channels.
TEST(Registry, AnyMobileNetV2Width) {
  EXPECT_TRUE(is_builtin_model("mobilenetv2-0.6"));
  EXPECT_TRUE(is_builtin_model("mobilenetv2-2"));
  const ir::Graph g = builtin_model("mobilenetv2-0.6");
  EXPECT_EQ(g.name(), "mobilenetv2-0.6");
  EXPECT_EQ(g.node(*g.find("features.0.conv")).shape.c(), 24);
  for (const char* bad : {"mobilenetv2-0", "mobilenetv2--1", "mobilenetv2-abc", "mobilenetv2-1.0x", "mobilenetv2-",
                          "mobilenetv2-inf", "mobilenetv2-nan"})
    EXPECT_FALSE(is_builtin_model(bad)) << bad;
}

TEST(Registry, OverridesReachTheRightLayers) {
  // MobileNetV2 at 160 with 10 classes: 3,504,872 - 1,281,000 + (1280 * 10 + 10) = 2,236,682.
  const ir::Graph m = builtin_model("mobilenetv2-1.0", {.resolution = 160, .classes = 10});
  EXPECT_EQ(m.node(0).shape, (ir::Shape{1, 160, 160, 3}));
  EXPECT_EQ(ir::compute_stats(m).params, 2236682);
  // EfficientNet-B2 at torchvision's eval crop reproduces its published _ops.
  const ir::Stats b2 = ir::compute_stats(builtin_model("efficientnet-b2", {.resolution = 288}));
  EXPECT_EQ(b2.params, 9109994);
  EXPECT_DOUBLE_EQ(std::round(b2.macs / 1e6) / 1e3, 1.088);
  // SSDLite with 81 class slots: 10 fewer slots * 16,353 params per slot (ssdlite_test.cc).
  EXPECT_EQ(ir::compute_stats(builtin_model("ssdlite-mobilenetv2", {.classes = 81})).params, 4500543 - 163530);
  // DS-CNN with 35 classes (all of Speech Commands v2): the FC grows by 23 * (64 + 1) = 1,495.
  EXPECT_EQ(ir::compute_stats(builtin_model("dscnn-s", {.classes = 35})).params,
            ir::compute_stats(builtin_model("dscnn-s")).params + 1495);
}

TEST(Registry, UnknownNamesListTheKnownOnes) {
  EXPECT_HWNAS_ERROR(builtin_model("efficientnet-b9"),
                     "model 'efficientnet-b9': not a built-in model (did you mean 'efficientnet-b0'?)");
  EXPECT_HWNAS_ERROR(builtin_model("mobilenet-v2-1.0"), "did you mean 'mobilenetv2-1.0'?");
  EXPECT_HWNAS_ERROR(builtin_model("resnet50"), "known: efficientnet-b0, ");
  EXPECT_HWNAS_ERROR(builtin_model("resnet50"), "mobilenetv2-<width> for any positive width");
  EXPECT_HWNAS_ERROR(builtin_model("mobilenetv2-0"), "not a built-in model");
  EXPECT_HWNAS_ERROR(builtin_model(""), "not a built-in model");
  try {
    builtin_model("resnet50");
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.message()).find("did you mean"), std::string::npos);  // too far for a typo
  }
}

TEST(Registry, BadOverrides) {
  EXPECT_HWNAS_ERROR(builtin_model("dscnn-m", {.resolution = 96}), "model 'dscnn-m': has no resolution to override");
  EXPECT_HWNAS_ERROR(builtin_model("efficientnet-b0", {.classes = -5}), "classes override must be positive");
  EXPECT_HWNAS_ERROR(builtin_model("mobilenetv2-1.0", {.resolution = -1}), "resolution override must be positive");
}

TEST(Registry, Deterministic) {
  EXPECT_EQ(builtin_model("efficientnet-b1", {.classes = 7}), builtin_model("efficientnet-b1", {.classes = 7}));
}

}  // namespace
}  // namespace hwnas::models
