#pragma once
// SSDLite with a MobileNetV2 backbone (Sandler et al. 2018, section 6.2): SSD prediction
// layers made of depthwise-separable convolutions, on the expansion of block 13 (stride 16),
// the last backbone layer (stride 32), and extra feature layers down to 1x1.
//
//   ir::Graph g = models::ssdlite({.resolution = 320, .classes = 91});
#include <string>
#include <utility>
#include <vector>

#include "hwnas/ir/builder.h"
#include "hwnas/ir/graph.h"

namespace hwnas::models {

struct SsdLiteOptions {
  double width = 1.0;
  int resolution = 320;
  int classes = 91;  // COCO's 90 plus background, as the published model
  std::vector<int> extra_channels = {512, 256, 256, 128};
  std::vector<int> anchors = {3, 6, 6, 6, 6, 6};  // anchors per location, one per feature map
  std::string name = "ssdlite-mobilenetv2";
};

// Outputs "boxes" [1, anchors total, 4] and "scores" [1, anchors total, classes]. Throws
// hwnas::Error for non-positive sizes or when `anchors` does not have one entry per feature
// map (2 + extra_channels.size()).
ir::Graph ssdlite(const SsdLiteOptions& o = {});

// The pieces, for spaces that build SSDLite heads on other backbones (space/detection_space.h).
// All use TF's SSD layer hyperparameters (ReLU6, BatchNorm epsilon 1e-3).
//
// One extra feature layer: 1x1 conv to channels/2, 3x3 depthwise stride 2, 1x1 conv to channels,
// each + BN + ReLU6 (nodes "reduce", "dw", "expand" in the caller's scope).
int ssdlite_extra_layer(ir::GraphBuilder& b, int x, int channels);
// The predictors over feature maps `maps` (largest first), anchors[i] per location on map i:
// per map a box head and a class head (scopes "head.<i>.box", "head.<i>.class": depthwise 3x3 +
// BN + ReLU6, 1x1 conv with bias to anchors x values, reshape to [1, -1, values]), concatenated
// along axis 1 into "boxes" [1, A, 4] and "scores" [1, A, scores]. Returns {boxes, scores}.
std::pair<int, int> ssdlite_predictors(ir::GraphBuilder& b, const std::vector<int>& maps,
                                       const std::vector<int>& anchors, int scores);

}  // namespace hwnas::models
