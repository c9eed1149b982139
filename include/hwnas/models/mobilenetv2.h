#pragma once
// MobileNetV2 (Sandler et al. 2018) exactly as torchvision builds it: width multiplier with
// channels rounded to multiples of 8, ReLU6, inverted residuals, 1280-channel head scaled
// up (never down) by the width multiplier, FC with bias.
//
//   ir::Graph g = models::mobilenetv2({.width = 1.0, .resolution = 224, .classes = 1000});
//   // params 3,504,872; MACs 0.30 G
#include <string>

#include "hwnas/ir/builder.h"
#include "hwnas/ir/graph.h"

namespace hwnas::models {

struct MobileNetV2Options {
  double width = 1.0;
  int resolution = 224;
  int classes = 1000;
  std::string name = {};  // graph name; "" = "mobilenetv2-<width>", e.g. "mobilenetv2-0.35"
};

// Throws hwnas::Error for a non-positive width, resolution or class count.
ir::Graph mobilenetv2(const MobileNetV2Options& o = {});

// The feature extractor alone, built into `b` from the NHWC tensor `x`; used by SSDLite.
// Nodes are named as torchvision's modules: "features.0" is the stem, "features.1" to
// "features.17" the 17 inverted-residual blocks, "features.18" the 1x1 head conv. Block 13
// (counting blocks from 0) is "features.14", TF-slim's "layer_15".
struct MobileNetV2Features {
  int expand_13 = -1;  // expansion output (ReLU6) of block 13, stride 16 (SSDLite's first map)
  int last = -1;       // the 1x1 head conv (ReLU6), stride 32
};
// Throws hwnas::Error unless width > 0.
MobileNetV2Features mobilenetv2_backbone(ir::GraphBuilder& b, int x, double width);

// "mobilenetv2-1.0", "mobilenetv2-0.35": the registry name of a width (shortest decimal, ".0" kept).
std::string mobilenetv2_name(double width);

}  // namespace hwnas::models
