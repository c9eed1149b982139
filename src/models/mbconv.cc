#include "hwnas/models/mbconv.h"

#include <algorithm>
#include <string>

#include "hwnas/core/error.h"

namespace hwnas::models {

int make_divisible(double v, int divisor) {
  if (!(v > 0) || divisor <= 0) fail("make_divisible", "needs a positive value and divisor, got {} and {}", v, divisor);
  int rounded = std::max(divisor, static_cast<int>(v + divisor / 2.0) / divisor * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

void check_image_options(std::string_view where, int resolution, int classes) {
  if (resolution < 1) fail(std::string(where), "resolution must be a positive number of pixels, got {}", resolution);
  if (classes < 1) fail(std::string(where), "classes must be positive, got {}", classes);
}

namespace {

int norm_act(ir::GraphBuilder& b, int x, NormAct na, std::string_view name) {
  const std::string base(name);
  x = b.batch_norm(x, na.bn_epsilon, base + ".bn");
  return na.act ? b.activation(*na.act, x, base + ".act") : x;
}

}  // namespace

int conv_bn_act(ir::GraphBuilder& b, int x, int out_channels, int kernel, int stride, NormAct na,
                std::string_view name) {
  return norm_act(b, b.conv(x, out_channels, kernel, stride, {}, name), na, name);
}

int dw_bn_act(ir::GraphBuilder& b, int x, int kernel, int stride, NormAct na, std::string_view name) {
  return norm_act(b, b.depthwise(x, kernel, stride, {}, name), na, name);
}

MbConvNodes mbconv(ir::GraphBuilder& b, int x, const MbConvSpec& s) {
  if (s.expand_ratio < 1 || s.kernel < 1 || s.stride < 1 || s.out_channels < 1 || s.se_squeeze < 0)
    fail(b.graph().describe(x),
         "mbconv needs expand_ratio, kernel, stride and out_channels >= 1 and "
         "se_squeeze >= 0; got {}, {}, {}, {}, {}",
         s.expand_ratio, s.kernel, s.stride, s.out_channels, s.se_squeeze);
  const int cin = b.channels(x);
  const NormAct act{s.act, s.bn_epsilon};
  MbConvNodes n;
  int y = x;
  if (s.expand_ratio != 1) y = n.expand = conv_bn_act(b, y, cin * s.expand_ratio, 1, 1, act, "expand");
  y = dw_bn_act(b, y, s.kernel, s.stride, act, "dw");
  if (s.se_squeeze > 0) {
    // Squeeze-excite as torchvision's SqueezeExcitation: 1x1 convs with bias on the pooled map.
    auto scope = b.scope("se");
    int g = b.global_avg_pool(y, "pool");
    g = b.activation(s.act, b.conv(g, s.se_squeeze, 1, 1, {.bias = true}, "fc1"), "act");
    g = b.sigmoid(b.conv(g, b.channels(y), 1, 1, {.bias = true}, "fc2"), "gate");
    y = b.mul(y, g, "scale");
  }
  y = conv_bn_act(b, y, s.out_channels, 1, 1, {std::nullopt, s.bn_epsilon}, "project");
  n.out = (s.stride == 1 && cin == s.out_channels) ? b.add({x, y}, "add") : y;
  return n;
}

}  // namespace hwnas::models
