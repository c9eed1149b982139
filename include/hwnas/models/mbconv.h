#pragma once
// Building blocks shared by the MobileNetV2, EfficientNet and SSDLite builders: torchvision's
// channel rounding, conv + BatchNorm + activation, and the inverted-residual (MBConv) block,
// optionally with squeeze-excite. One definition keeps the three families counting alike.
//
//   ir::GraphBuilder b("net");
//   int x = b.input({1, 224, 224, 3});
//   { auto s = b.scope("features.0");
//     x = models::conv_bn_act(b, x, 32, 3, 2, {ir::OpKind::Relu6, 1e-5f}); }
//   { auto s = b.scope("features.1");
//     x = models::mbconv(b, x, {.expand_ratio = 1, .out_channels = 16}).out; }
#include <optional>
#include <string_view>

#include "hwnas/ir/builder.h"

namespace hwnas::models {

// torchvision's _make_divisible: the multiple of `divisor` nearest to v (at least `divisor`),
// one step up when rounding down would lose more than 10% of v.
// make_divisible(32 * 0.35) == 16 (11.2 -> 8 is below 0.9 * 11.2, so 16).
int make_divisible(double v, int divisor = 8);

// Throws hwnas::Error at `where` (the model's name) naming the first of resolution, classes
// that is not positive; the model builders share it so their messages read alike.
void check_image_options(std::string_view where, int resolution, int classes);

struct NormAct {
  std::optional<ir::OpKind> act = std::nullopt;  // none: the block's linear bottleneck
  float bn_epsilon = 1e-5f;
};

// conv (no bias) -> BN -> activation, named "<name>", "<name>.bn", "<name>.act".
int conv_bn_act(ir::GraphBuilder& b, int x, int out_channels, int kernel, int stride, NormAct na,
                std::string_view name = "conv");
// depthwise (no bias) -> BN -> activation, named likewise.
int dw_bn_act(ir::GraphBuilder& b, int x, int kernel, int stride, NormAct na, std::string_view name = "dw");

struct MbConvSpec {
  int expand_ratio = 6;  // 1 = no expansion conv
  int kernel = 3;        // depthwise kernel
  int stride = 1;
  int out_channels = 0;
  ir::OpKind act = ir::OpKind::Relu6;
  int se_squeeze = 0;  // squeeze-excite bottleneck channels; 0 = no squeeze-excite
  float bn_epsilon = 1e-5f;
};

struct MbConvNodes {
  int expand = -1;  // output of the expansion activation (-1 when expand_ratio == 1)
  int out = -1;     // block output (after the residual add when there is one)
};

// [1x1 expand BN act] -> kxk depthwise BN act -> [SE] -> 1x1 project BN -> [+ input], in the
// caller's scope: nodes "expand", "dw", "se.pool", "se.fc1", "se.act", "se.fc2", "se.gate",
// "se.scale", "project", "add". The residual is added when stride is 1 and the channel count
// is unchanged, as in both papers. Throws hwnas::Error for non-positive sizes.
MbConvNodes mbconv(ir::GraphBuilder& b, int x, const MbConvSpec& spec);

}  // namespace hwnas::models
