#include "hwnas/models/dscnn.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"

namespace hwnas::models {
namespace {

// Hello Edge M and L: the first conv keeps all 10 MFCC coefficients (stride 2 in time only)
// and the first DS block then halves both axes; every later block has stride 1.
DsCnnOptions hello_edge_wide(int channels, int blocks, std::string name) {
  DsCnnOptions o;
  o.first_channels = channels;
  o.first_stride_w = 1;
  o.blocks.assign(blocks, DsCnnBlock{.channels = channels, .kernel = 3, .stride = 1});
  o.blocks[0].stride = 2;
  o.name = std::move(name);
  return o;
}

void check_options(const DsCnnOptions& o) {
  const auto positive = [&](int v, const std::string& field) {
    if (v <= 0) fail(fmt::format("dscnn options '{}': {}", o.name, field), "must be positive, got {}", v);
  };
  positive(o.input_h, "input_h");
  positive(o.input_w, "input_w");
  positive(o.first_channels, "first_channels");
  positive(o.first_kernel_h, "first_kernel_h");
  positive(o.first_kernel_w, "first_kernel_w");
  positive(o.first_stride_h, "first_stride_h");
  positive(o.first_stride_w, "first_stride_w");
  positive(o.classes, "classes");
  for (size_t i = 0; i < o.blocks.size(); ++i) {
    positive(o.blocks[i].channels, fmt::format("blocks[{}].channels", i));
    positive(o.blocks[i].kernel, fmt::format("blocks[{}].kernel", i));
    positive(o.blocks[i].stride, fmt::format("blocks[{}].stride", i));
  }
}

}  // namespace

DsCnnOptions dscnn_preset(std::string_view size) {
  if (size == "mlperf") return DsCnnOptions{};  // the defaults are the MLPerf Tiny reference
  if (size == "s") {
    DsCnnOptions o;  // model_size_info 5 64 10 4 2 2 64 3 3 1 1 (x4): MLPerf's network
    o.name = "dscnn-s";
    return o;
  }
  if (size == "m") return hello_edge_wide(172, 4, "dscnn-m");  // 5 172 10 4 2 1 172 3 3 2 2 172 3 3 1 1 (x3)
  if (size == "l") return hello_edge_wide(276, 5, "dscnn-l");  // 6 276 10 4 2 1 276 3 3 2 2 276 3 3 1 1 (x4)
  fail(fmt::format("dscnn preset '{}'", size), "unknown size; expected one of mlperf, s, m, l");
}

// The MLPerf Keras model ends with AveragePooling2D((24, 5)) over its 25x5 map, which drops the
// last frame row; Hello Edge pools the whole map. Both are drawn here as a global average pool:
// the two agree in params and MACs, and differ numerically only in that one row of 25.
// Dropout (training only) is left out; the graph ends with logits (no softmax), as the other
// model families do.
ir::Graph dscnn(const DsCnnOptions& o) {
  check_options(o);
  const ir::ConvOptions same{.padding = ir::Padding::Same};
  ir::GraphBuilder b(o.name);
  int x = b.input({1, o.input_h, o.input_w, 1});
  {
    auto scope = b.scope("conv1");
    x = b.conv(x, o.first_channels, o.first_kernel_h, o.first_stride_h,
               {.padding = ir::Padding::Same, .stride_w = o.first_stride_w, .kernel_w = o.first_kernel_w});
    x = b.relu(b.batch_norm(x));
  }
  for (size_t i = 0; i < o.blocks.size(); ++i) {
    const DsCnnBlock& block = o.blocks[i];
    auto scope = b.scope(fmt::format("block{}", i + 1));
    {
      auto dw = b.scope("dw");
      x = b.relu(b.batch_norm(b.depthwise(x, block.kernel, block.stride, same, "conv")));
    }
    {
      auto pw = b.scope("pw");
      x = b.relu(b.batch_norm(b.conv(x, block.channels, 1, 1, same)));
    }
  }
  x = b.fc(b.global_avg_pool(x, "global_pool"), o.classes, /*bias=*/true, "classifier");
  return b.finish({x});
}

}  // namespace hwnas::models
