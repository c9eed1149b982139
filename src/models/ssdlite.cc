#include "hwnas/models/ssdlite.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "hwnas/models/mbconv.h"
#include "hwnas/models/mobilenetv2.h"

namespace hwnas::models {

namespace {

// TF object detection API, ssdlite_mobilenet_v2_coco: BatchNorm eps 1e-3 in the SSD layers
// (its conv_hyperparams), ReLU6 throughout. The backbone keeps torchvision's 1e-5 (TF-slim uses
// 1e-3); epsilon changes no count and only the last digits of an unfolded inference.
constexpr NormAct kRelu6{ir::OpKind::Relu6, 1e-3f};

void check(const SsdLiteOptions& o) {
  check_image_options(o.name, o.resolution, o.classes);
  const size_t maps = 2 + o.extra_channels.size();
  if (o.anchors.size() != maps)
    fail(o.name, "anchors has {} entries but there are {} feature maps (2 + {} extra layers); give one per map",
         o.anchors.size(), maps, o.extra_channels.size());
  for (int c : o.extra_channels)
    if (c < 2) fail(o.name, "extra_channels must be at least 2 (the 1x1 conv halves them), got {}", c);
  for (int a : o.anchors)
    if (a < 1) fail(o.name, "anchors per location must be positive, got {}", a);
}

// One prediction head: depthwise 3x3 BN ReLU6, then a 1x1 conv with bias to anchors*values,
// reshaped to [1, anchors on this map, values].
int head(ir::GraphBuilder& b, int x, int anchors, int values, std::string_view name) {
  auto scope = b.scope(name);
  x = dw_bn_act(b, x, 3, 1, kRelu6);
  x = b.conv(x, anchors * values, 1, 1, {.bias = true}, "conv");
  return b.reshape(x, {1, -1, values}, "reshape");
}

}  // namespace

// SSDLite's extra feature layer: 1x1 to C/2, then a depthwise-separable stride-2 conv to C.
int ssdlite_extra_layer(ir::GraphBuilder& b, int x, int channels) {
  x = conv_bn_act(b, x, channels / 2, 1, 1, kRelu6, "reduce");
  x = dw_bn_act(b, x, 3, 2, kRelu6, "dw");
  return conv_bn_act(b, x, channels, 1, 1, kRelu6, "expand");
}

std::pair<int, int> ssdlite_predictors(ir::GraphBuilder& b, const std::vector<int>& maps,
                                       const std::vector<int>& anchors, int scores) {
  if (maps.size() != anchors.size())
    fail("ssdlite heads", "{} feature maps but {} anchor counts; give one per map", maps.size(), anchors.size());
  std::vector<int> boxes, classes;
  for (size_t i = 0; i < maps.size(); ++i) {
    auto scope = b.scope(fmt::format("head.{}", i));
    boxes.push_back(head(b, maps[i], anchors[i], 4, "box"));
    classes.push_back(head(b, maps[i], anchors[i], scores, "class"));
  }
  return {b.concat(boxes, 1, "boxes"), b.concat(classes, 1, "scores")};
}

ir::Graph ssdlite(const SsdLiteOptions& o) {
  check(o);
  ir::GraphBuilder b(o.name);
  const int input = b.input({1, o.resolution, o.resolution, 3});
  const MobileNetV2Features f = mobilenetv2_backbone(b, input, o.width);
  std::vector<int> maps = {f.expand_13, f.last};
  for (size_t i = 0; i < o.extra_channels.size(); ++i) {
    auto scope = b.scope(fmt::format("extra.{}", i));
    maps.push_back(ssdlite_extra_layer(b, maps.back(), o.extra_channels[i]));
  }
  const auto [boxes, scores] = ssdlite_predictors(b, maps, o.anchors, o.classes);
  return b.finish({boxes, scores});
}

}  // namespace hwnas::models
