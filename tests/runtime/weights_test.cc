#include "hwnas/runtime/weights.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::runtime {
namespace {

// x [1,8,8,32] -> conv 3x3 64 (bias) -> bn -> depthwise 3x3 (x2) -> flatten -> fc 10 (bias)
ir::Graph small_net() {
  ir::Graph g("small");
  ir::Attrs in;
  in.shape = {1, 8, 8, 32};
  const int x = g.add(ir::OpKind::Input, {}, in, "x");
  ir::Attrs conv;
  conv.kernel_h = conv.kernel_w = 3;
  conv.padding = ir::Padding::Same;
  conv.out_channels = 64;
  conv.bias = true;
  const int c = g.add(ir::OpKind::Conv2D, {x}, conv, "conv");
  const int b = g.add(ir::OpKind::BatchNorm, {c}, {}, "bn");
  ir::Attrs dw;
  dw.kernel_h = dw.kernel_w = 3;
  dw.multiplier = 2;
  const int d = g.add(ir::OpKind::DepthwiseConv2D, {b}, dw, "dw");
  ir::Attrs fc;
  fc.out_channels = 10;
  fc.bias = true;
  g.set_outputs({g.add(ir::OpKind::FullyConnected, {d}, fc, "fc")});
  return g;
}

TEST(Weights, ExpectedShapesFollowTheLayoutConventions) {
  const ir::Graph g = small_net();
  using P = std::pair<std::string, ir::Shape>;
  EXPECT_EQ(expected_weights(g, 1), (std::vector<P>{{"kernel", {64, 3, 3, 32}}, {"bias", {64}}}));
  EXPECT_EQ(expected_weights(g, 2), (std::vector<P>{{"gamma", {64}}, {"beta", {64}}, {"mean", {64}}, {"var", {64}}}));
  EXPECT_EQ(expected_weights(g, 3), (std::vector<P>{{"kernel", {1, 3, 3, 128}}}));
  // dw output 6x6x128 = 4608 features
  EXPECT_EQ(expected_weights(g, 4), (std::vector<P>{{"kernel", {10, 4608}}, {"bias", {10}}}));
  EXPECT_TRUE(expected_weights(g, 0).empty());
}

// Sample variance of U(-b, b) is b^2/3; with n values its relative standard error is about
// sqrt(0.8/n) (fourth moment of a uniform), ~0.7% for the 18432 conv weights: 5% is safe.
double variance(const std::vector<float>& v) {
  double s = 0, s2 = 0;
  for (float x : v) s += x, s2 += double{x} * x;
  const double m = s / v.size();
  return s2 / v.size() - m * m;
}

TEST(Weights, HeUniformBoundAndVariance) {
  const ir::Graph g = small_net();
  const Weights w = init_weights(g, {.seed = 3});
  const auto& k = w.at("conv", "kernel").data;
  const double b = std::sqrt(6.0 / (3 * 3 * 32));  // fan_in = 288 -> b = 0.1443
  for (float v : k) ASSERT_LE(std::fabs(v), b);
  EXPECT_NEAR(variance(k) / (2.0 / 288), 1.0, 0.05);  // b^2/3 = 2/fan_in
  // depthwise fan_in = 3*3 = 9 -> b = sqrt(6/9) = 0.8165
  for (float v : w.at("dw", "kernel").data) ASSERT_LE(std::fabs(v), std::sqrt(6.0 / 9));
  for (float v : w.at("conv", "bias").data) EXPECT_EQ(v, 0.0f);
  // Fresh BatchNorm: gamma 1, beta 0, mean 0, var 1.
  EXPECT_EQ(w.at("bn", "gamma").data, std::vector<float>(64, 1.0f));
  EXPECT_EQ(w.at("bn", "mean").data, std::vector<float>(64, 0.0f));
  EXPECT_EQ(w.at("bn", "var").data, std::vector<float>(64, 1.0f));
}

TEST(Weights, TorchDefaultBoundsAndRandomBatchNormStats) {
  const Weights w = init_weights(small_net(), {.seed = 3, .scheme = InitScheme::TorchDefault, .random_bn_stats = true});
  const auto& k = w.at("conv", "kernel").data;
  const double b = 1.0 / std::sqrt(288.0);  // kaiming_uniform(a=sqrt(5)): gain sqrt(1/3) * sqrt(3/fan_in)
  for (float v : k) ASSERT_LE(std::fabs(v), b);
  EXPECT_NEAR(variance(k) / (b * b / 3), 1.0, 0.05);
  bool bias_nonzero = false;
  for (float v : w.at("conv", "bias").data) {
    ASSERT_LE(std::fabs(v), b);
    bias_nonzero |= v != 0.0f;
  }
  EXPECT_TRUE(bias_nonzero);
  for (float v : w.at("bn", "var").data) ASSERT_TRUE(v >= 0.5f && v <= 2.0f);
  for (float v : w.at("bn", "gamma").data) ASSERT_TRUE(v >= 0.5f && v <= 1.5f);
}

TEST(Weights, DeterministicPerSeedAndPerNode) {
  const ir::Graph g = small_net();
  EXPECT_EQ(init_weights(g, {.seed = 9}), init_weights(g, {.seed = 9}));
  EXPECT_NE(init_weights(g, {.seed = 9}), init_weights(g, {.seed = 10}));
  // Random BN stats draw from the BN node's own stream: conv weights do not move.
  EXPECT_EQ(init_weights(g, {.seed = 9}).at("fc", "kernel"),
            init_weights(g, {.seed = 9, .random_bn_stats = true}).at("fc", "kernel"));
}

TEST(Weights, SaveLoadRoundTripIsExact) {
  const ir::Graph g = small_net();
  const Weights w = init_weights(g, {.seed = 4, .random_bn_stats = true});
  const auto path = hwnas::testing::temp_dir() / "w.hwnasw";
  save_weights(path, g, w);
  EXPECT_EQ(load_weights(path, g), w);
  // Size: 20-byte prefix + header + 4 bytes per value (64*288 + 64 + 4*64 + 1152 + 10*4608 + 10).
  const int64_t values = 64 * 288 + 64 + 4 * 64 + 9 * 128 + 10 * 4608 + 10;
  EXPECT_GT(std::filesystem::file_size(path), static_cast<uintmax_t>(20 + 4 * values));
  EXPECT_LT(std::filesystem::file_size(path), static_cast<uintmax_t>(20 + 4 * values + 2000));
}

TEST(Weights, CheckNamesTheNodeAndWhatIsWrong) {
  const ir::Graph g = small_net();
  Weights w = init_weights(g);
  w.nodes["dw"].erase("kernel");
  EXPECT_HWNAS_ERROR(check_weights(g, w),
                     "node 'dw' (depthwise_conv2d): is missing its 'kernel' tensor of shape [1,3,3,128]");
  w = init_weights(g);
  w.nodes["fc"]["kernel"] = Tensor(ir::Shape{10, 100});
  EXPECT_HWNAS_ERROR(check_weights(g, w),
                     "node 'fc' (fully_connected): 'kernel' tensor has shape [10,100], expected [10,4608]");
  w = init_weights(g);
  w.nodes.erase("conv");
  EXPECT_HWNAS_ERROR(check_weights(g, w), "node 'conv' (conv2d): has no weights");
  w = init_weights(g);
  w.nodes["bn"]["alpha"] = Tensor(ir::Shape{64});
  EXPECT_HWNAS_ERROR(check_weights(g, w), "unexpected 'alpha' tensor");
  w = init_weights(g);
  w.nodes["ghost"]["kernel"] = Tensor(ir::Shape{1});
  EXPECT_HWNAS_ERROR(check_weights(g, w), "node 'ghost': has weights but graph 'small' has no such node");
  w = init_weights(g);
  w.nodes["x"]["kernel"] = Tensor(ir::Shape{1});
  EXPECT_HWNAS_ERROR(check_weights(g, w), "node 'x': has weights but its operator takes none");
}

TEST(Weights, LoadErrorsNameTheFile) {
  const ir::Graph g = small_net();
  const auto dir = hwnas::testing::temp_dir();
  EXPECT_HWNAS_ERROR(load_weights(dir / "missing.hwnasw", g), "missing.hwnasw");
  write_file_atomic(dir / "text.hwnasw", "hello, not weights");
  EXPECT_HWNAS_ERROR(load_weights(dir / "text.hwnasw", g), "missing the HWNASWT magic");

  const auto good = dir / "good.hwnasw";
  save_weights(good, g, init_weights(g));
  std::string bytes = read_file(good);
  std::string v2 = bytes;
  v2[8] = 2;  // format version lives right after the 8-byte magic
  write_file_atomic(dir / "v2.hwnasw", v2);
  EXPECT_HWNAS_ERROR(load_weights(dir / "v2.hwnasw", g), "format version 2 is not supported");
  write_file_atomic(dir / "short.hwnasw", bytes.substr(0, bytes.size() - 100));
  EXPECT_HWNAS_ERROR(load_weights(dir / "short.hwnasw", g), "runs past the end of the file");
  std::string bad_json = bytes;
  bad_json[20] = '#';  // first byte of the JSON header
  write_file_atomic(dir / "json.hwnasw", bad_json);
  EXPECT_HWNAS_ERROR(load_weights(dir / "json.hwnasw", g), "the JSON header does not parse");

  // Weights of another graph: the file is fine, the check against this graph is not.
  ir::Graph wider("small");
  ir::Attrs in;
  in.shape = {1, 8, 8, 16};
  const int x = wider.add(ir::OpKind::Input, {}, in, "x");
  ir::Attrs conv;
  conv.out_channels = 64;
  conv.bias = true;
  wider.set_outputs({wider.add(ir::OpKind::Conv2D, {x}, conv, "conv")});
  EXPECT_HWNAS_ERROR(load_weights(good, wider),
                     "good.hwnasw: node 'conv' (conv2d): 'kernel' tensor has shape [64,3,3,32]");
}

TEST(Weights, CarryKeepsTheNodesWhoseShapesStayAndInitialisesTheRest) {
  // Before: conv a (8 -> 16, 3x3), conv b (16 -> 4) after it, conv "side" (8 -> 4) beside them.
  // After: a has 24 channels, so a's and b's kernels change shape (b's bias does not: a node
  // carries over whole or not at all), and a conv c is new. Only "side" keeps its tensors.
  const auto two = [](int channels, bool extra) {
    ir::Graph g("g");
    ir::Attrs in;
    in.shape = {1, 6, 6, 8};
    const int x = g.add(ir::OpKind::Input, {}, in, "x");
    ir::Attrs a;
    a.out_channels = channels;
    a.kernel_h = a.kernel_w = 3;
    a.padding = ir::Padding::Same;
    const int ca = g.add(ir::OpKind::Conv2D, {x}, a, "a");
    ir::Attrs k1;
    k1.out_channels = 4;
    k1.bias = true;
    int out = g.add(ir::OpKind::Conv2D, {ca}, k1, "b");
    const int side = g.add(ir::OpKind::Conv2D, {x}, k1, "side");
    if (extra) out = g.add(ir::OpKind::Conv2D, {out}, k1, "c");
    g.set_outputs({out, side});
    return g;
  };
  const ir::Graph before = two(16, false), after = two(24, true);
  const Weights old = init_weights(before, {.seed = 1});
  int carried = -1;
  const Weights w = carry_weights(after, old, {.seed = 2}, &carried);
  check_weights(after, w);
  EXPECT_EQ(carried, 1);  // only "side" keeps its shapes
  EXPECT_EQ(w.nodes.at("side"), old.nodes.at("side"));
  EXPECT_EQ(w.nodes.at("a"), init_weights(after, {.seed = 2}).nodes.at("a"));
  EXPECT_EQ(w.nodes.at("c"), init_weights(after, {.seed = 2}).nodes.at("c"));
  // The same graph carries everything.
  EXPECT_EQ(carry_weights(before, old, {.seed = 2}, &carried), old);
  EXPECT_EQ(carried, 3);
}

}  // namespace
}  // namespace hwnas::runtime
