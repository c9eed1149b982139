#pragma once
// EfficientNet-B0..B7 (Tan & Le 2019) by compound scaling of the B0 baseline, built as
// torchvision builds it: channels round(width) to multiples of 8, repeats ceil(depth), MBConv
// with squeeze-excite (squeeze = max(1, block input channels / 4), convs with bias) and
// swish; 1280 * width head; FC with bias.
//
//   ir::Graph b0 = models::efficientnet(models::efficientnet_variant(0));   // 5,288,548 params
//   auto o = models::efficientnet_variant(3); o.classes = 10;
#include "hwnas/ir/graph.h"

namespace hwnas::models {

struct EfficientNetOptions {
  double width = 1.0;    // width coefficient
  double depth = 1.0;    // depth coefficient
  int resolution = 224;  // input height and width
  int classes = 1000;
  std::string name = "efficientnet-b0";
  // torchvision builds B0..B4 with nn.BatchNorm2d's default eps and B5..B7 with 1e-3 (the
  // TensorFlow originals use 1e-3 throughout); efficientnet_variant() sets it accordingly.
  float bn_epsilon = 1e-5f;
};

// The paper's coefficients for B0..B7 (width, depth, resolution). Throws for b outside 0..7.
EfficientNetOptions efficientnet_variant(int b);
// Throws hwnas::Error for a non-positive width, depth, resolution or class count.
ir::Graph efficientnet(const EfficientNetOptions& o);

}  // namespace hwnas::models
