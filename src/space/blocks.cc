#include "hwnas/space/blocks.h"

#include <cmath>

#include "hwnas/models/mbconv.h"

namespace hwnas::space {

using models::make_divisible;

int conv_bn_act(ir::GraphBuilder& b, int x, int out_channels, int kernel_h, int kernel_w, int stride_h, int stride_w,
                ir::OpKind act) {
  x = b.conv(x, out_channels, kernel_h, stride_h, {.stride_w = stride_w, .kernel_w = kernel_w});
  return b.activation(act, b.batch_norm(x));
}

int squeeze_excite(ir::GraphBuilder& b, int x, int mid) {
  auto scope = b.scope("se");
  const int channels = b.channels(x);
  int s = b.global_avg_pool(x);
  s = b.relu(b.conv(s, mid, 1, 1, {.bias = true}, "reduce"));
  s = b.hardsigmoid(b.conv(s, channels, 1, 1, {.bias = true}, "expand"));
  return b.mul(x, s);
}

int mbconv_block(ir::GraphBuilder& b, int x, const MbConvBlock& o) {
  const int in = b.channels(x);
  const int mid = make_divisible(std::round(in * o.expand));
  int y = x;
  if (o.expand != 1) {
    auto scope = b.scope("expand");
    y = b.activation(o.act, b.batch_norm(b.conv(y, mid, 1)));
  }
  {
    auto scope = b.scope("dw");
    y = b.activation(o.act, b.batch_norm(b.depthwise(y, o.kernel, o.stride)));
  }
  if (o.se) y = squeeze_excite(b, y, make_divisible(b.channels(y) / 4));
  {
    auto scope = b.scope("project");
    y = b.batch_norm(b.conv(y, o.out_channels, 1));
  }
  return o.stride == 1 && in == o.out_channels ? b.add({x, y}) : y;
}

int dsconv_block(ir::GraphBuilder& b, int x, int out_channels, int kernel, int stride, ir::OpKind act, bool residual) {
  const int in = b.channels(x);
  int y = x;
  {
    auto scope = b.scope("dw");
    y = b.activation(act, b.batch_norm(b.depthwise(y, kernel, stride)));
  }
  {
    auto scope = b.scope("pw");
    y = b.activation(act, b.batch_norm(b.conv(y, out_channels, 1)));
  }
  return residual && stride == 1 && in == out_channels ? b.add({x, y}) : y;
}

}  // namespace hwnas::space
