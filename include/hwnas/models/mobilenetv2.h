#pragma once
// MobileNetV2 (Sandler et al. 2018) exactly as torchvision builds it: width multiplier with
// channels rounded to multiples of 8, ReLU6, inverted residuals, 1280-channel head scaled
// up (never down) by the width multiplier, FC with bias.
//
//   ir::Graph g = models::mobilenetv2({.width = 1.0, .resolution = 224, .classes = 1000});
//   // params 3,504,872; MACs 0.30 G
#include "hwnas/ir/builder.h"
#include "hwnas/ir/graph.h"

namespace hwnas::models {

struct MobileNetV2Options {
  double width = 1.0;
  int resolution = 224;
  int classes = 1000;
};

ir::Graph mobilenetv2(const MobileNetV2Options& o = {});

// The feature extractor alone, built into `b` from the NHWC tensor `x`; used by SSDLite.
struct MobileNetV2Features {
  int expand_13 = -1;  // expansion output (ReLU6) of block 13, stride 16 (SSDLite's first map)
  int last = -1;       // the 1x1 head conv (ReLU6), stride 32
};
MobileNetV2Features mobilenetv2_backbone(ir::GraphBuilder& b, int x, double width);

}  // namespace hwnas::models
