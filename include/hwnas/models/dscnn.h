#pragma once
// DS-CNN for keyword spotting (Zhang et al., "Hello Edge", 2017; the MLPerf Tiny KWS
// reference): a first conv over the MFCC map, depthwise-separable blocks (depthwise 3x3 +
// BN + ReLU, pointwise 1x1 + BN + ReLU), global average pool, FC to the classes.
//
//   ir::Graph g = models::dscnn(models::dscnn_preset("mlperf"));   // 49x10x1 input, 12 classes
#include <string_view>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::models {

struct DsCnnBlock {
  int channels = 64;
  int kernel = 3;  // depthwise kernel (square)
  int stride = 1;
};

struct DsCnnOptions {
  int input_h = 49;  // MFCC frames
  int input_w = 10;  // MFCC coefficients
  int first_channels = 64;
  int first_kernel_h = 10, first_kernel_w = 4;
  int first_stride_h = 2, first_stride_w = 2;
  std::vector<DsCnnBlock> blocks = std::vector<DsCnnBlock>(4);
  int classes = 12;
  std::string name = "dscnn-mlperf";
};

// "mlperf", "s", "m", "l"; throws hwnas::Error listing these for anything else.
DsCnnOptions dscnn_preset(std::string_view size);
ir::Graph dscnn(const DsCnnOptions& o);

}  // namespace hwnas::models
