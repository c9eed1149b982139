#include "hwnas/runtime/fold.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime_testing.h"

namespace hwnas::runtime {
namespace {

using ::testing::ElementsAre;

// x [1,1,1,2] -> layer -> bn (eps 0) [-> relu]
ir::Graph layer_bn(ir::OpKind op, bool bias) {
  ir::Graph g("fold");
  ir::Attrs in;
  in.shape = {1, 1, 1, 2};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  ir::Attrs a;
  a.out_channels = 2;
  a.bias = bias;
  const int l = g.add(op, {x}, a, "layer");
  ir::Attrs bn;
  bn.epsilon = 0.0f;
  g.set_outputs({g.add(ir::OpKind::Relu, {g.add(ir::OpKind::BatchNorm, {l}, bn, "bn")}, {}, "relu")});
  return g;
}

// BN with gamma [4, 1], beta [1, 0], mean [3, 0], var [4, 1] (eps 0):
// scale = gamma / sqrt(var) = [2, 1]; shift = beta - mean * scale = [1 - 6, 0] = [-5, 0].
void set_bn(Weights& w) {
  w.nodes["bn"] = {{"gamma", Tensor({2}, {4, 1})},
                   {"beta", Tensor({2}, {1, 0})},
                   {"mean", Tensor({2}, {3, 0})},
                   {"var", Tensor({2}, {4, 1})}};
}

TEST(Fold, ConvKernelRowsAndBiasByHand) {
  const ir::Graph g = layer_bn(ir::OpKind::Conv2D, true);
  Weights w;
  w.nodes["layer"] = {{"kernel", Tensor({2, 1, 1, 2}, {1, 1, 3, 5})}, {"bias", Tensor({2}, {1, 2})}};
  set_bn(w);
  const InferenceParams p = inference_params(g, w, true);
  EXPECT_EQ(p.folded, 1);
  EXPECT_EQ(p.nodes[2].alias_of, 1);
  // kernel row co scaled by scale[co]: [1,1]*2, [3,5]*1
  EXPECT_THAT(p.nodes[1].kernel, ElementsAre(2, 2, 3, 5));
  // bias' = bias * scale + shift = [1*2 - 5, 2*1 + 0] = [-3, 2]
  EXPECT_THAT(p.nodes[1].bias, ElementsAre(-3, 2));
  // Unfolded: BN keeps its own scale and shift, conv untouched.
  const InferenceParams u = inference_params(g, w, false);
  EXPECT_EQ(u.folded, 0);
  EXPECT_THAT(u.nodes[2].scale, ElementsAre(2, 1));
  EXPECT_THAT(u.nodes[2].shift, ElementsAre(-5, 0));
  EXPECT_THAT(u.nodes[1].kernel, ElementsAre(1, 1, 3, 5));
  // Both forms compute the same: x = [1, 2]: conv = [1+2+1, 3+10+2] = [4, 15];
  // bn = [4*2 - 5, 15] = [3, 15].
  for (bool fold : {false, true})
    EXPECT_THAT(testing::run_on("reference", g, w, {Tensor({1, 1, 1, 2}, {1, 2})}, {.fold_batchnorm = fold})[0].data,
                ElementsAre(3, 15));
}

TEST(Fold, DepthwiseScalesTheTrailingChannelAndCreatesABias) {
  const ir::Graph g = layer_bn(ir::OpKind::DepthwiseConv2D, false);
  Weights w;
  w.nodes["layer"] = {{"kernel", Tensor({1, 1, 1, 2}, {7, 9})}};
  set_bn(w);
  const InferenceParams p = inference_params(g, w, true);
  EXPECT_THAT(p.nodes[1].kernel, ElementsAre(14, 9));  // [7*2, 9*1]
  EXPECT_THAT(p.nodes[1].bias, ElementsAre(-5, 0));    // no bias: bias' = shift
}

TEST(Fold, FullyConnectedRows) {
  ir::Graph g("fc");
  ir::Attrs in;
  in.shape = {1, 2};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  ir::Attrs fc;
  fc.out_channels = 2;
  const int l = g.add(ir::OpKind::FullyConnected, {x}, fc, "layer");
  ir::Attrs bn;
  bn.epsilon = 0.0f;
  g.set_outputs({g.add(ir::OpKind::BatchNorm, {l}, bn, "bn")});
  Weights w;
  w.nodes["layer"] = {{"kernel", Tensor({2, 2}, {1, 2, 3, 4})}};
  set_bn(w);
  EXPECT_THAT(inference_params(g, w, true).nodes[1].kernel, ElementsAre(2, 4, 3, 4));
}

TEST(Fold, LeavesUnfoldableBatchNormAlone) {
  // bn after an add cannot fold; a conv that is also a graph output must keep its own value.
  ir::Graph g("nofold");
  ir::Attrs in;
  in.shape = {1, 2, 2, 2};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  ir::Attrs conv;
  conv.out_channels = 2;
  const int c = g.add(ir::OpKind::Conv2D, {x}, conv, "conv");
  const int b1 = g.add(ir::OpKind::BatchNorm, {c}, {}, "bn1");
  const int a = g.add(ir::OpKind::Add, {x, b1}, {}, "add");
  const int b2 = g.add(ir::OpKind::BatchNorm, {a}, {}, "bn2");
  g.set_outputs({b2, c});
  const Weights w = init_weights(g, {.seed = 1, .random_bn_stats = true});
  const InferenceParams p = inference_params(g, w, true);
  EXPECT_EQ(p.folded, 0);
  EXPECT_EQ(p.nodes[b1].alias_of, -1);
  EXPECT_EQ(p.nodes[b2].scale.size(), 2u);
  const auto in_t = testing::random_inputs(g, 1);
  const auto folded = testing::run_on("reference", g, w, in_t, {.fold_batchnorm = true});
  const auto plain = testing::run_on("reference", g, w, in_t, {.fold_batchnorm = false});
  EXPECT_EQ(folded[0].data, plain[0].data);
  EXPECT_EQ(folded[1].data, plain[1].data);
}

}  // namespace
}  // namespace hwnas::runtime
