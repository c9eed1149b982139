#pragma once
// SSDLite with a MobileNetV2 backbone (Sandler et al. 2018, section 6.2): SSD prediction
// layers made of depthwise-separable convolutions, on the expansion of block 13 (stride 16),
// the last backbone layer (stride 32), and extra feature layers down to 1x1.
//
//   ir::Graph g = models::ssdlite({.resolution = 320, .classes = 91});
#include <string>
#include <vector>

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

}  // namespace hwnas::models
