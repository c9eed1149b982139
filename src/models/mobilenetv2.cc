#include "hwnas/models/mobilenetv2.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/models/mbconv.h"

namespace hwnas::models {

namespace {

constexpr float kBnEpsilon = 1e-5f;  // torchvision's nn.BatchNorm2d default

struct Stage {
  int expand, channels, repeats, stride;  // the paper's (t, c, n, s), Table 2
};
constexpr std::array<Stage, 7> kStages = {
    {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}}};
constexpr int kExpand13Block = 13;  // SSDLite's first feature map: this block's expansion

}  // namespace

std::string mobilenetv2_name(double width) {
  std::string w = fmt::format("{}", width);
  if (w.find_first_of(".e") == std::string::npos) w += ".0";
  return "mobilenetv2-" + w;
}

MobileNetV2Features mobilenetv2_backbone(ir::GraphBuilder& b, int x, double width) {
  if (!(width > 0)) fail("mobilenetv2", "width multiplier must be positive, got {}", width);
  const NormAct relu6{ir::OpKind::Relu6, kBnEpsilon};
  MobileNetV2Features f;
  {
    auto scope = b.scope("features.0");
    x = conv_bn_act(b, x, make_divisible(32 * width), 3, 2, relu6);
  }
  int block = 0;
  for (const Stage& st : kStages) {
    for (int i = 0; i < st.repeats; ++i, ++block) {
      auto scope = b.scope(fmt::format("features.{}", block + 1));
      const MbConvNodes n = mbconv(b, x,
                                   {.expand_ratio = st.expand,
                                    .kernel = 3,
                                    .stride = i == 0 ? st.stride : 1,
                                    .out_channels = make_divisible(st.channels * width),
                                    .act = ir::OpKind::Relu6,
                                    .bn_epsilon = kBnEpsilon});
      if (block == kExpand13Block) f.expand_13 = n.expand;
      x = n.out;
    }
  }
  auto scope = b.scope(fmt::format("features.{}", block + 1));
  // The head widens with the multiplier but never narrows below 1280 (torchvision, paper 3.4).
  f.last = conv_bn_act(b, x, make_divisible(1280 * std::max(1.0, width)), 1, 1, relu6);
  return f;
}

ir::Graph mobilenetv2(const MobileNetV2Options& o) {
  const std::string name = o.name.empty() ? mobilenetv2_name(o.width) : o.name;
  check_image_options(name, o.resolution, o.classes);
  ir::GraphBuilder b(name);
  const int x = b.input({1, o.resolution, o.resolution, 3});
  const MobileNetV2Features f = mobilenetv2_backbone(b, x, o.width);
  // torchvision pools, then Dropout (no op at inference) and Linear with bias.
  const int logits = b.fc(b.global_avg_pool(f.last, "pool"), o.classes, true, "classifier");
  return b.finish({logits});
}

}  // namespace hwnas::models
