#pragma once
// DS-CNN for keyword spotting (Zhang et al., "Hello Edge", 2017; the MLPerf Tiny KWS
// reference): a first conv over the MFCC map, depthwise-separable blocks (depthwise 3x3 +
// BN + ReLU, pointwise 1x1 + BN + ReLU), global average pool, FC to the classes. Padding is
// TensorFlow's 'same' throughout; convs carry no bias (a BN follows each), the FC does.
//
// Presets: "mlperf" = the MLPerf Tiny KWS reference (mlcommons/tiny keras_model.py: 64-channel
// 10x4/2 conv, 4 DS blocks of 64); "s", "m", "l" = Hello Edge's DS-CNN S/M/L (ARM ML-KWS-for-MCU
// train_commands.txt): S is the same network as "mlperf"; M: 172 channels, first conv stride
// 2x1, first DS block stride 2, 4 blocks; L: 276 channels, likewise, 5 blocks. All take 49x10
// MFCC (40 ms windows, 20 ms stride, 10 coefficients) and output 12 class logits.
// Node names: conv1.{conv,bn,relu}; block<k>.dw.{conv,bn,relu}, block<k>.pw.{conv,bn,relu}
// (k from 1); global_pool; classifier.
//
//   ir::Graph g = models::dscnn(models::dscnn_preset("mlperf"));   // 49x10x1 input, 12 classes
#include <string>
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
