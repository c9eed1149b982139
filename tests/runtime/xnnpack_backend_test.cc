// The XNNPACK backend against the reference kernels, operator by operator, plus the
// fallback machinery (ops the 2022-02 snapshot lacks, several subgraphs in one graph) and
// the int8 path.
#include "hwnas/runtime/xnnpack_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/runtime/quantize.h"
#include "runtime_testing.h"
#include "testing.h"

namespace hwnas::runtime {
namespace {

using testing::one_op;

// fp32 kernels reassociate sums (SIMD, GEMM blocking) and use their own exp/sigmoid
// approximations (a few ulp): 1e-5 of the output's largest magnitude is ~100 ulp, far below
// what any indexing or padding bug produces (those are O(1)).
constexpr double kOpTolerance = 1e-5;

struct Compared {
  double error;
  std::vector<int> fallback;
};

Compared compare(const ir::Graph& g, int threads = 1, bool random_bn = true) {
  const Weights w = init_weights(g, {.seed = 11, .random_bn_stats = random_bn});
  const auto in = testing::random_inputs(g, 5);
  const auto ref = testing::run_on("reference", g, w, in, {.fold_batchnorm = false});
  auto model = XnnpackBackend().prepare(g, w, {.threads = threads});
  const auto out = run(*model, in);
  double err = 0;
  for (size_t i = 0; i < ref.size(); ++i) err = std::max(err, max_relative_error(out[i].data, ref[i].data));
  return {err, model->fallback_nodes()};
}

ir::Attrs window(int k, int s, ir::Padding pad, int explicit_pad = 0) {
  ir::Attrs a;
  a.kernel_h = a.kernel_w = k;
  a.stride_h = a.stride_w = s;
  a.padding = pad;
  a.pad_top = a.pad_left = explicit_pad;
  a.pad_bottom = a.pad_right = explicit_pad + (explicit_pad ? 1 : 0);  // asymmetric on purpose
  return a;
}

const ir::Shape kImage{2, 9, 7, 6};  // batch 2, odd sizes so SAME padding is asymmetric

// Outputs are written by XNNPACK straight into the output tensors (no copy to time); the
// cases that still copy: an output that is the model's input, and one node listed twice.
TEST(XnnpackOutputs, WrittenInPlaceOrCopiedAllMatchTheReference) {
  ir::Graph g("outputs");
  ir::Attrs in;
  in.shape = kImage;
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  const int r = g.add(ir::OpKind::Relu, {x}, {}, "r");
  const int s = g.add(ir::OpKind::Sigmoid, {r}, {}, "s");
  g.set_outputs({s, r, s, x});
  EXPECT_LT(compare(g).error, kOpTolerance);
  // Twice in a row: the second invoke must not see the first's outputs as inputs.
  const Weights w = init_weights(g, {.seed = 11});
  const auto inputs = testing::random_inputs(g, 5);
  auto model = XnnpackBackend().prepare(g, w, {});
  const auto first = run(*model, inputs);
  const auto second = run(*model, inputs);
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].data, second[i].data) << "output " << i;
}

TEST(XnnpackOps, Convolutions) {
  for (auto pad : {ir::Padding::Valid, ir::Padding::Same, ir::Padding::Explicit})
    for (int stride : {1, 2}) {
      ir::Attrs a = window(3, stride, pad, 1);
      a.out_channels = 8;
      a.bias = stride == 1;
      EXPECT_LT(compare(one_op(ir::OpKind::Conv2D, kImage, a)).error, kOpTolerance) << "stride " << stride;
      a.groups = 2;
      a.dilation_h = 2;
      EXPECT_LT(compare(one_op(ir::OpKind::Conv2D, kImage, a)).error, kOpTolerance) << "grouped, dilated";
      ir::Attrs d = window(5, stride, pad, 2);
      d.multiplier = stride;
      EXPECT_LT(compare(one_op(ir::OpKind::DepthwiseConv2D, kImage, d)).error, kOpTolerance) << "depthwise";
    }
}

TEST(XnnpackOps, FullyConnectedOnImageAndFeatures) {
  ir::Attrs a;
  a.out_channels = 5;
  a.bias = true;
  EXPECT_LT(compare(one_op(ir::OpKind::FullyConnected, kImage, a)).error, kOpTolerance);
  EXPECT_LT(compare(one_op(ir::OpKind::FullyConnected, {3, 17}, a)).error, kOpTolerance);
}

TEST(XnnpackOps, ActivationsAndBatchNorm) {
  for (auto op : {ir::OpKind::Relu, ir::OpKind::Relu6, ir::OpKind::HardSwish, ir::OpKind::HardSigmoid,
                  ir::OpKind::Sigmoid, ir::OpKind::Swish, ir::OpKind::BatchNorm}) {
    const Compared c = compare(one_op(op, kImage, {}));
    EXPECT_LT(c.error, kOpTolerance) << ir::op_name(op);
    EXPECT_TRUE(c.fallback.empty()) << ir::op_name(op);
  }
}

TEST(XnnpackOps, Pools) {
  for (auto pad : {ir::Padding::Valid, ir::Padding::Same, ir::Padding::Explicit})
    for (bool include : {false, true}) {
      ir::Attrs a = window(3, 2, pad, 1);
      a.count_include_pad = include;
      EXPECT_LT(compare(one_op(ir::OpKind::AvgPool, kImage, a)).error, kOpTolerance)
          << ir::padding_name(pad) << " include_pad=" << include;
      EXPECT_LT(compare(one_op(ir::OpKind::MaxPool, kImage, window(3, 2, pad, 1))).error, kOpTolerance);
    }
  EXPECT_LT(compare(one_op(ir::OpKind::GlobalAvgPool, kImage, {})).error, kOpTolerance);
}

TEST(XnnpackOps, ShapeOpsSoftmaxPadResize) {
  ir::Attrs r;
  r.shape = {2, -1};
  EXPECT_LT(compare(one_op(ir::OpKind::Reshape, kImage, r)).error, kOpTolerance);
  EXPECT_LT(compare(one_op(ir::OpKind::Flatten, kImage, {})).error, kOpTolerance);
  EXPECT_LT(compare(one_op(ir::OpKind::Softmax, {3, 10}, {})).error, kOpTolerance);
  EXPECT_LT(compare(one_op(ir::OpKind::Softmax, {1, 3, 4, 10}, {})).error, kOpTolerance);
  ir::Attrs p;
  p.pad_top = 1, p.pad_left = 2, p.pad_bottom = 3, p.pad_right = 0, p.value = 0.5f;
  EXPECT_LT(compare(one_op(ir::OpKind::Pad, kImage, p)).error, kOpTolerance);
  for (bool align : {false, true}) {
    ir::Attrs z;
    z.out_h = 16, z.out_w = 5, z.mode = ir::ResizeMode::Bilinear, z.align_corners = align;
    const Compared c = compare(one_op(ir::OpKind::Resize, kImage, z));
    EXPECT_LT(c.error, kOpTolerance) << "align_corners " << align;
    EXPECT_TRUE(c.fallback.empty());
  }
}

TEST(XnnpackOps, BroadcastingElementwise) {
  ir::Graph g("se");
  ir::Attrs xa, sa;
  xa.shape = kImage;
  sa.shape = {2, 1, 1, 6};
  const int x = g.add(ir::OpKind::Input, {}, xa, "x");
  const int s = g.add(ir::OpKind::Input, {}, sa, "s");
  const int m = g.add(ir::OpKind::Mul, {x, s}, {}, "mul");
  g.set_outputs({g.add(ir::OpKind::Add, {x, m, s, x}, {}, "add4")});
  EXPECT_LT(compare(g).error, kOpTolerance);
}

// Unsupported ops run on the reference kernels between XNNPACK subgraphs, correctly, and
// are reported.
TEST(XnnpackFallback, ConcatNearestAndNonLastSoftmaxAreReportedZeroIsAConstant) {
  ir::Graph g("mixed");
  ir::Attrs in;
  in.shape = {1, 6, 6, 4};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  ir::Attrs conv = window(3, 1, ir::Padding::Same);
  conv.out_channels = 4;
  const int c1 = g.add(ir::OpKind::Conv2D, {x}, conv, "c1");
  const int b1 = g.add(ir::OpKind::BatchNorm, {c1}, {}, "b1");
  const int r1 = g.add(ir::OpKind::Relu, {b1}, {}, "r1");
  const int z = g.add(ir::OpKind::Zero, {r1}, {}, "zero");
  const int c2 = g.add(ir::OpKind::Conv2D, {r1}, conv, "c2");
  const int cat = g.add(ir::OpKind::Concat, {c2, z, x}, {}, "cat");
  const int c3 = g.add(ir::OpKind::Conv2D, {cat}, conv, "c3");
  ir::Attrs nearest;
  nearest.out_h = nearest.out_w = 12;
  const int up = g.add(ir::OpKind::Resize, {c3}, nearest, "up");
  const int sw = g.add(ir::OpKind::Swish, {up}, {}, "sw");
  const int add = g.add(ir::OpKind::Add, {sw, up}, {}, "add");
  g.set_outputs({add, c2});
  const Compared c = compare(g);
  EXPECT_LT(c.error, kOpTolerance);
  EXPECT_THAT(c.fallback, ::testing::ElementsAre(cat, up));
  // The zero node is a constant; segments between the fallbacks: [c1 b1 r1 c2] [c3] [sw add].
  auto model = XnnpackBackend().prepare(g, init_weights(g));
  EXPECT_THAT(model->summary(), ::testing::HasSubstr("3 subgraph(s)"));
  EXPECT_THAT(model->summary(), ::testing::HasSubstr("cat (this XNNPACK has no concatenate)"));
  EXPECT_THAT(model->summary(), ::testing::HasSubstr("1 batch_norm folded, 1 zero node(s) as constants"));

  ir::Attrs axis1;
  axis1.axis = 1;
  const ir::Graph sm = one_op(ir::OpKind::Softmax, {1, 4, 3}, axis1);
  EXPECT_TRUE(xnnpack_unsupported_reason(sm, 1).has_value());
  EXPECT_LT(compare(sm).error, kOpTolerance);
}

TEST(XnnpackFallback, OneByOnePoolingRunsOnTheReference) {
  // XNNPACK rejects 1x1 pooling windows; a 1x1 stride-2 pool (a subsampling) still works.
  for (auto op : {ir::OpKind::AvgPool, ir::OpKind::MaxPool}) {
    const Compared c = compare(one_op(op, kImage, window(1, 2, ir::Padding::Valid)));
    EXPECT_LT(c.error, kOpTolerance);
    EXPECT_EQ(c.fallback, std::vector<int>{1});
  }
}

// int8: every quantized operator, fed by an int8 1x1 conv, against the fp32 oracle, on the
// calibration sample itself (so no value leaves its calibrated range and only kernel
// mapping is tested). The input and the op's output each carry up to half a quantization
// step (range / 510), the weights ~1/254 of their largest value: ~1% of the output range.
// 3% is the bound; a wrong scale, zero point or channel axis is off by tens of percent.
TEST(XnnpackInt8, EveryQuantizedOperatorAgreesWithFp32) {
  ir::Attrs conv = window(3, 1, ir::Padding::Same);
  conv.out_channels = 16;
  ir::Attrs dw = window(3, 2, ir::Padding::Same);
  dw.multiplier = 2;
  ir::Attrs fc;
  fc.out_channels = 10;
  fc.bias = true;
  const struct {
    ir::OpKind op;
    ir::Attrs attrs;
    bool binary;
  } cases[] = {{ir::OpKind::Conv2D, conv, false},
               {ir::OpKind::DepthwiseConv2D, dw, false},
               {ir::OpKind::FullyConnected, fc, false},
               {ir::OpKind::Relu, {}, false},
               {ir::OpKind::Relu6, {}, false},
               {ir::OpKind::Add, {}, true},
               {ir::OpKind::Mul, {}, true},
               {ir::OpKind::GlobalAvgPool, {}, false},
               {ir::OpKind::MaxPool, window(3, 2, ir::Padding::Same), false}};
  for (const auto& c : cases) {
    ir::Graph g("int8");
    ir::Attrs in;
    in.shape = {1, 8, 8, 16};
    const int x = g.add(ir::OpKind::Input, {}, in, "x");
    ir::Attrs pre;
    pre.out_channels = 16;
    const int y = g.add(ir::OpKind::Conv2D, {x}, pre, "pre");
    g.set_outputs({c.binary ? g.add(c.op, {y, x}, c.attrs, "op") : g.add(c.op, {y}, c.attrs, "op")});
    const Weights w = init_weights(g, {.seed = 21});
    const auto input = calibration_inputs(g, 0);
    const auto ref = testing::run_on("reference", g, w, input);
    auto model = XnnpackBackend().prepare(g, w, {.dtype = ir::DType::i8});
    const double err = max_relative_error(run(*model, input)[0].data, ref[0].data);
    EXPECT_LT(err, 0.03) << ir::op_name(c.op);
    EXPECT_GT(err, 1e-5) << ir::op_name(c.op) << " did not run in int8";
    EXPECT_THAT(model->summary(), ::testing::HasSubstr("2 node(s) in int8")) << ir::op_name(c.op);
  }
}

TEST(XnnpackInt8, UnquantizableOpsRunInF32AndDtypeIsChecked) {
  // hard_swish has no int8 kernel in this snapshot: conv (int8) -> convert -> hard_swish (f32).
  ir::Attrs conv;
  conv.out_channels = 8;
  ir::Graph g("mixed");
  ir::Attrs in;
  in.shape = {1, 6, 6, 8};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  g.set_outputs({g.add(ir::OpKind::HardSwish, {g.add(ir::OpKind::Conv2D, {x}, conv, "conv")}, {}, "hs")});
  const Weights w = init_weights(g, {.seed = 3});
  auto model = XnnpackBackend().prepare(g, w, {.dtype = ir::DType::i8});
  EXPECT_THAT(model->summary(), ::testing::HasSubstr("1 node(s) in int8"));
  const auto input = calibration_inputs(g, 0);
  EXPECT_LT(max_relative_error(run(*model, input)[0].data, testing::run_on("reference", g, w, input)[0].data), 0.03);
  EXPECT_HWNAS_ERROR(XnnpackBackend().prepare(g, w, {.dtype = ir::DType::f16}), "dtype f16 is not supported");
  EXPECT_HWNAS_ERROR(make_backend("reference")->prepare(g, w, {.dtype = ir::DType::i8}), "runs f32 only");
}

TEST(XnnpackBackend, TwoThreadsGiveTheSameAnswer) {
  ir::Attrs a = window(3, 1, ir::Padding::Same);
  a.out_channels = 16;
  const ir::Graph g = one_op(ir::OpKind::Conv2D, {1, 20, 20, 8}, a);
  EXPECT_LT(compare(g, 2).error, kOpTolerance);
}

TEST(XnnpackBackend, RepeatedInvokeOnNewInputs) {
  ir::Attrs a;
  a.out_channels = 3;
  const ir::Graph g = one_op(ir::OpKind::FullyConnected, {1, 4}, a);
  const Weights w = init_weights(g, {.seed = 2});
  auto model = XnnpackBackend().prepare(g, w);
  auto ref = testing::run_on("reference", g, w, {Tensor({1, 4}, {1, 2, 3, 4})});
  EXPECT_LT(max_relative_error(run(*model, {Tensor({1, 4}, {1, 2, 3, 4})})[0].data, ref[0].data), kOpTolerance);
  ref = testing::run_on("reference", g, w, {Tensor({1, 4}, {-4, 0, 2, 9})});
  EXPECT_LT(max_relative_error(run(*model, {Tensor({1, 4}, {-4, 0, 2, 9})})[0].data, ref[0].data), kOpTolerance);
}

TEST(XnnpackBackend, BadOptionsAndWeightsAreErrors) {
  ir::Attrs a;
  a.out_channels = 3;
  const ir::Graph g = one_op(ir::OpKind::FullyConnected, {1, 4}, a);
  EXPECT_HWNAS_ERROR(XnnpackBackend().prepare(g, init_weights(g), {.threads = 0}), "threads must be at least 1");
  EXPECT_HWNAS_ERROR(XnnpackBackend().prepare(g, Weights{}), "node 'op' (fully_connected): has no weights");
}

}  // namespace
}  // namespace hwnas::runtime
