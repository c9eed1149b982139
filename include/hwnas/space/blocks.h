#pragma once
// Building blocks shared by the spaces (mbconv, YAML spaces): conv-BN-act, depthwise-separable
// and MBConv (inverted residual) blocks, built the way Once-for-All (Cai et al., ICLR 2020)
// builds its MobileNetV3 space:
//   MBConv = [1x1 expand conv + BN + act]   (skipped when expand == 1)
//            kxk depthwise (stride) + BN + act
//            [squeeze-excite: global avg pool, 1x1 conv (bias) to make_divisible(mid / 4),
//             ReLU, 1x1 conv (bias) back to mid, hardsigmoid, multiply]
//            1x1 project conv + BN (linear)
//            + identity shortcut when stride 1 and in == out channels
//   mid = make_divisible(round(in * expand)) (models::make_divisible, OFA's rounding too).
//
//   ir::GraphBuilder b("net");
//   int x = b.input({1, 56, 56, 24});
//   x = space::mbconv_block(b, x, {.out_channels = 40, .kernel = 5, .stride = 2, .expand = 4,
//                                  .se = true, .act = ir::OpKind::Relu});
#include "hwnas/ir/builder.h"
#include "hwnas/ir/op.h"

namespace hwnas::space {

struct MbConvBlock {
  int out_channels = 16;
  int kernel = 3;
  int stride = 1;
  double expand = 6;
  bool se = false;
  ir::OpKind act = ir::OpKind::Relu;
};
int mbconv_block(ir::GraphBuilder& b, int x, const MbConvBlock& o);

// Depthwise kxk + BN + act, pointwise 1x1 + BN + act (DS-CNN / MobileNetV1); identity
// shortcut when `residual` and stride 1 and in == out.
int dsconv_block(ir::GraphBuilder& b, int x, int out_channels, int kernel, int stride, ir::OpKind act, bool residual);

// Conv (kernel_h x kernel_w, stride_h x stride_w, symmetric padding) + BN + act.
int conv_bn_act(ir::GraphBuilder& b, int x, int out_channels, int kernel_h, int kernel_w, int stride_h, int stride_w,
                ir::OpKind act);

// Squeeze-excite on x with `mid` reduced channels, OFA/MobileNetV3 form (hardsigmoid gate).
int squeeze_excite(ir::GraphBuilder& b, int x, int mid);

}  // namespace hwnas::space
