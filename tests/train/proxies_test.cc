// The proxies on networks small enough to work out by hand: each expected value is derived in
// the comment above its test from the proxy's published definition (proxies.h), not from the
// code under test.
#include "hwnas/train/proxies.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "hwnas/space/nb201_space.h"
#include "hwnas/train/graph_module.h"
#include "testing.h"

namespace hwnas::train {
namespace {

// x [N,1,1,d] (NHWC) -> h = relu(x W1^T) -> y = h W2^T; W1 [h,d], W2 [k,h], no biases.
struct Mlp : torch::nn::Module {
  torch::Tensor w1, w2;
  Mlp(std::vector<float> a, int64_t hidden, int64_t in, std::vector<float> b, int64_t out) {
    w1 = register_parameter("w1", torch::tensor(a).reshape({hidden, in}));
    w2 = register_parameter("w2", torch::tensor(b).reshape({out, hidden}));
  }
  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>* acts) {
    const torch::Tensor h = torch::relu(x.reshape({x.size(0), -1}).matmul(w1.t()));
    if (acts) acts->push_back(h);
    return h.matmul(w2.t());
  }
};

// y = x W^T (one layer, no activation): a linear model.
struct Linear : torch::nn::Module {
  torch::Tensor w;
  Linear(std::vector<float> a, int64_t out, int64_t in) {
    w = register_parameter("w", torch::tensor(a).reshape({out, in}));
  }
  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>*) {
    return x.reshape({x.size(0), -1}).matmul(w.t());
  }
};

// y = relu(x) (no parameters); its one activation is relu(x).
struct Relu : torch::nn::Module {
  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>* acts) {
    const torch::Tensor h = torch::relu(x.reshape({x.size(0), -1}));
    if (acts) acts->push_back(h);
    return h.sum(1, true);
  }
};

template <class M>
ProxyNet net_of(M& m) {
  return {&m, [&m](const torch::Tensor& x, std::vector<torch::Tensor>* a) { return m.forward(x, a); }};
}

torch::Tensor nhwc(std::vector<float> v, int64_t n) {
  const int64_t d = static_cast<int64_t>(v.size()) / n;
  return torch::tensor(v).reshape({n, 1, 1, d});
}

// W1 = [[1, -2], [3, 0.5]], W2 = [[2, -1]], input all ones [1,1,1,2].
// |W1| 1 = [3, 3.5] (positive, so the ReLU passes it); R = |W2| [3, 3.5] = 2*3 + 1*3.5 = 9.5.
// dR/dW1_ij = |W2_i| * 1, so sum |W1_ij dR/dW1_ij| = sum_i |W2_i| * (|W1| 1)_i = R = 9.5;
// dR/dW2_i = (|W1| 1)_i, so sum |W2_i| (|W1| 1)_i = R = 9.5. synflow = 19 (2R: R is
// homogeneous of degree 1 in each layer, Euler).
TEST(Synflow, TwoLayerNetIsTwiceTheFlow) {
  Mlp m({1, -2, 3, 0.5}, 2, 2, {2, -1}, 1);
  EXPECT_NEAR(synflow(net_of(m), {1, 1, 1, 2}), 19.0, 1e-9);
  // The weights come back unchanged (signs and float dtype), so the next proxy sees the
  // initial network.
  EXPECT_FLOAT_EQ(m.w1[0][1].item<float>(), -2.0f);
  EXPECT_EQ(m.w2.scalar_type(), torch::kFloat32);
}

// Three examples whose ReLU codes over 3 units are a = 101, b = 110, c = 001 (x > 0).
// Agreements: a,b = 1 (unit 0); a,c = 2 (units 1, 2); b,c = 0; each with itself 3.
// K = [[3,1,2],[1,3,0],[2,0,3]]; det = 3(9-0) - 1(3-0) + 2(0-6) = 12; score = log 12.
TEST(Naswot, LogDetOfTheHammingKernel) {
  Relu m;
  const torch::Tensor x = nhwc({0.5, -1, 2, 3, 1, -0.5, -2, -1, 4}, 3);
  EXPECT_NEAR(naswot(net_of(m), x), std::log(12.0), 1e-9);
}

// Two examples with the same code: K = [[3,3],[3,3]] is singular, log|K| = -inf.
TEST(Naswot, EqualCodesGiveMinusInfinity) {
  Relu m;
  EXPECT_EQ(naswot(net_of(m), nhwc({1, -1, 1, 2, -3, 2}, 2)), -std::numeric_limits<double>::infinity());
}

// y = sum relu(x): the Jacobian row of example i is (x_i > 0).
// x1 = [1, 2, -1] -> J1 = [1, 1, 0]; x2 = [-1, 3, 1] -> J2 = [0, 1, 1].
// Centred: [1/3, 1/3, -2/3] and [-2/3, 1/3, 1/3]; dot = (-2 + 1 - 2)/9 = -1/3, each norm^2 = 6/9,
// so corr = -0.5; C = [[1, -.5], [-.5, 1]] has eigenvalues 0.5 and 1.5.
// score = -(ln(0.50001) + 1/0.50001 + ln(1.50001) + 1/1.50001)
//       = -(-0.6931272 + 1.9999600 + 0.4054718 + 0.6666622) = -2.3789668.
TEST(JacobCov, EigenvaluesOfTheJacobianCorrelation) {
  Relu m;
  EXPECT_NEAR(jacob_cov(net_of(m), nhwc({1, 2, -1, -1, 3, 1}, 2)), -2.3789668, 1e-6);
}

// A linear map y = W x has the same Jacobian row 1^T W for every example: C = [[1,1],[1,1]],
// eigenvalues 0 and 2: score = -(ln(1e-5) + 1e5 + ln(2.00001) + 1/2.00001)
//                            = -(-11.5129255 + 100000 + 0.6931522 + 0.4999975) = -99989.6802242.
TEST(JacobCov, LinearMapHasRankOneCorrelation) {
  Linear m({1, 2, 3, -1, 0, 1}, 2, 3);
  EXPECT_NEAR(jacob_cov(net_of(m), nhwc({1, 2, 3, -4, 0.5, 2}, 2)), -99989.6802242, 1e-3);
}

// Linear model z = W x, W = I (2x2), one example x = [1, 2], label 0, mean cross-entropy.
// z = [1, 2]; p = softmax(z) = [1/(1+e), e/(1+e)] = [0.2689414, 0.7310586];
// dL/dz = p - onehot(0) = [-0.7310586, 0.7310586]; dL/dW = (p - y) x^T
//       = [[-0.7310586, -1.4621172], [0.7310586, 1.4621172]].
// grad_norm = ||dL/dW||_F = 0.7310586 * sqrt(1 + 4 + 1 + 4) = 2.3118102.
// snip = sum |W .* dL/dW| = |-0.7310586| + |1.4621172| = 2.1931758.
// Two identical examples give the same mean loss gradient (the batch needs >= 2 rows only for
// naswot/jacob_cov; these take any batch).
TEST(LossProxies, SnipAndGradNormOfALinearModel) {
  Linear m({1, 0, 0, 1}, 2, 2);
  const ProxyBatch b{nhwc({1, 2, 1, 2}, 2), torch::tensor({0, 0}, torch::kInt64)};
  EXPECT_NEAR(grad_norm(net_of(m), b), 2.3118102, 1e-6);
  EXPECT_NEAR(snip(net_of(m), b), 2.1931758, 1e-6);
  // No gradient is left behind for the next proxy.
  EXPECT_FALSE(m.w.grad().defined());
}

TEST(LossProxies, LabelOutsideTheOutputsIsAnError) {
  Linear m({1, 0, 0, 1}, 2, 2);
  const ProxyBatch b{nhwc({1, 2, 1, 2}, 2), torch::tensor({0, 5}, torch::kInt64)};
  EXPECT_HWNAS_ERROR(snip(net_of(m), b), "outside the network's 2 outputs");
}

// score_proxies shares passes but must give what the single functions give, in the asked order.
TEST(ScoreProxies, SameAsTheSingleFunctionsInTheAskedOrder) {
  Mlp m({1, -2, 3, 0.5, -1, 1}, 3, 2, {2, -1, 0.5, 1, 1, -1}, 2);
  const ProxyBatch b{nhwc({1, 2, -1, 0.5, 0.3, -2}, 3), torch::tensor({1, 0, 1}, torch::kInt64)};
  ir::GraphBuilder builder("mlp");
  const int in = builder.input({1, 1, 1, 2});
  const ir::Graph g = builder.finish({in});
  const std::vector<double> v = score_proxies(net_of(m), g, {"grad_norm", "synflow", "naswot", "jacob_cov", "snip"}, b);
  ASSERT_EQ(v.size(), 5u);
  EXPECT_DOUBLE_EQ(v[0], grad_norm(net_of(m), b));
  EXPECT_DOUBLE_EQ(v[1], synflow(net_of(m), {1, 1, 1, 2}));
  EXPECT_DOUBLE_EQ(v[2], naswot(net_of(m), b.x));
  EXPECT_DOUBLE_EQ(v[3], jacob_cov(net_of(m), b.x));
  EXPECT_DOUBLE_EQ(v[4], snip(net_of(m), b));
  EXPECT_HWNAS_ERROR(score_proxies(net_of(m), g, {"synflow", "zen"}, b), "use one of synflow, naswot");
}

// An NB201 cell whose every path from its input passes a 'none' edge: node 1 = none(0), and
// nodes 2 and 3 read only node 1 (through convs) and 'none' edges. The network's output does not
// depend on its input, so every example has the same ReLU codes (K_H = N_A * ones, singular:
// naswot = -inf) and a zero input-Jacobian (jacob_cov = -inf).
TEST(GraphProxies, Nb201CellCutOffByNoneEdges) {
  space::Nb201Space nb201;
  const ir::Graph g =
      nb201.decode(nb201.parse("|none~0|+|none~0|nor_conv_1x1~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|"));
  GraphModule m(g, 1);
  const ProxyBatch b{torch::rand({4, 32, 32, 3}), torch::tensor({0, 1, 2, 3}, torch::kInt64)};
  const std::vector<double> v = score_proxies(proxy_net(m), g, {"naswot", "jacob_cov"}, b);
  EXPECT_EQ(v[0], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(v[1], -std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace hwnas::train
