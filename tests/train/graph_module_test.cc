// train::GraphModule against independent expectations: the IR's own parameter count
// (ir::compute_stats), the torch inference backend and xnnpack on the same weights, a weights
// round trip, and the gradient of a tiny graph worked out by hand.
#include "hwnas/train/graph_module.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/interop/nchw.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/stats.h"
#include "hwnas/space/search_space.h"
#include "interop/interop_testing.h"

namespace hwnas::train {
namespace {

using interop::testing::Case;

torch::Tensor nhwc(const runtime::Tensor& t) {
  return torch::tensor(t.data, torch::kFloat32).reshape(interop::dims_of(t.shape));
}

std::vector<float> values(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

TEST(GraphModule, ParametersEqualTheIrCountForEveryFamilyAndSpace) {
  for (const std::string& name : models::builtin_model_names()) {
    const ir::Graph g = models::builtin_model(name);
    EXPECT_EQ(GraphModule(g).num_parameters(), ir::compute_stats(g).params) << name;
  }
  for (const std::string& space_name : space::builtin_space_names()) {
    const auto s = space::make_space(space_name);
    Rng rng(5);
    for (int i = 0; i < 3; ++i) {
      const ir::Graph g = s->decode(s->sample(rng));
      EXPECT_EQ(GraphModule(g).num_parameters(), ir::compute_stats(g).params) << space_name << " " << g.name();
    }
  }
}

TEST(GraphModule, ParametersAreNamedByNodeAndRole) {
  ir::GraphBuilder b("names");
  const int x = b.input({1, 4, 4, 2});
  const ir::Graph g = b.finish({b.fc(b.batch_norm(b.conv(x, 3, 3, 1, {}, "stage1.conv"), 1e-5f, "stage1.bn"), 2)});
  GraphModule m(g);
  std::vector<std::string> names;
  for (const auto& p : m.named_parameters()) names.push_back(p.key());
  for (const char* want : {"stage1.conv.kernel", "stage1.bn.gamma", "stage1.bn.beta"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  std::vector<std::string> buffers;
  for (const auto& p : m.named_buffers()) buffers.push_back(p.key());
  EXPECT_NE(std::find(buffers.begin(), buffers.end(), "stage1.bn.mean"), buffers.end());
  EXPECT_NE(std::find(buffers.begin(), buffers.end(), "stage1.bn.var"), buffers.end());
}

// Eval mode is the inference graph: every output equals the torch backend's and xnnpack's on the same
// (training-form) weights, which those backends fold. Random BN statistics make folding matter.
void expect_matches_backends(const Case& c) {
  interop::register_backends();
  const ir::Graph& g = c.graph;
  const runtime::Weights w = runtime::init_weights(g, {.seed = 21, .random_bn_stats = true});
  runtime::Tensor in = runtime::testing::random_tensor(g.node(g.inputs()[0]).shape, 3, -4.0f, 4.0f);
  GraphModule m(g, w);
  m.eval();
  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> out = m.forward_all(nhwc(in));
  for (const std::string backend : {"torch", "xnnpack"}) {
    const auto want = runtime::testing::run_on(backend, g, w, {in});
    ASSERT_EQ(want.size(), out.size());
    for (size_t i = 0; i < out.size(); ++i)
      EXPECT_LE(runtime::max_relative_error(values(out[i]), want[i].data), 1e-4) << c.name << " vs " << backend;
  }
}

TEST(GraphModule, EvalForwardEqualsTheInferenceBackendsOnEveryOperator) {
  for (const Case& c : interop::testing::operator_cases()) expect_matches_backends(c);
}

TEST(GraphModule, EvalForwardEqualsTheInferenceBackendsOnEveryFamily) {
  for (const Case& c : interop::testing::family_cases()) expect_matches_backends(c);
}

TEST(GraphModule, BatchOfTwoIsTwoSingleRuns) {
  const ir::Graph g = models::builtin_model("dscnn-mlperf");
  GraphModule m(g, 3);
  m.eval();
  torch::NoGradGuard no_grad;
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({2, 49, 10, 1});
  const torch::Tensor both = m.forward(x);
  EXPECT_TRUE(torch::allclose(both[0], m.forward(x.slice(0, 0, 1))[0], 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(both[1], m.forward(x.slice(0, 1, 2))[0], 1e-5, 1e-6));
}

TEST(GraphModule, WeightsRoundTripThroughLoad) {
  const ir::Graph g = models::builtin_model("dscnn-mlperf");
  const runtime::Weights w = runtime::init_weights(g, {.seed = 9, .random_bn_stats = true});
  GraphModule m(g, 1);
  EXPECT_NE(m.weights(), w);
  m.load(w);
  EXPECT_EQ(m.weights(), w);
  EXPECT_EQ(GraphModule(g, w).weights(), w);
  runtime::Weights bad = w;
  bad.nodes.begin()->second.begin()->second = runtime::Tensor(ir::Shape{3});
  EXPECT_THROW(m.load(bad), Error);
}

TEST(GraphModule, ActivationsAreReportedInGraphOrder) {
  ir::GraphBuilder b("acts");
  const int x = b.input({1, 3, 3, 2});
  const int r = b.relu(x);
  const int s = b.relu6(b.conv(r, 2, 1, 1));
  const ir::Graph g = b.finish({b.add({s, x})});
  GraphModule m(g);
  const torch::Tensor in = torch::linspace(-4, 4, 18).reshape({1, 3, 3, 2});
  std::vector<torch::Tensor> acts;
  m.forward(in, &acts);
  ASSERT_EQ(acts.size(), 2u);
  EXPECT_TRUE(torch::equal(acts[0], torch::relu(in)));  // NHWC, as the input
  EXPECT_EQ(acts[1].sizes(), in.sizes());
}

// y = sum(relu(x . w + b)) for an FC with 2 units on a 1x1x3 input, worked out by hand:
// x = (1, 2, -1), w = [[1, 0, 1], [-1, 1, 0]], b = (0.5, -2): pre-activations 0.5 and -1, so only
// unit 0 passes; dy/dw0 = x, dy/dw1 = 0, dy/db = (1, 0), and the loss is 0.5.
TEST(GraphModule, GradientOfATinyGraphMatchesTheHandComputation) {
  ir::GraphBuilder b("tiny");
  const int x = b.input({1, 1, 1, 3});
  const ir::Graph g = b.finish({b.relu(b.fc(x, 2, true, "fc"))});
  runtime::Weights w;
  w.nodes["fc"]["kernel"] = runtime::Tensor(ir::Shape{2, 3}, {1, 0, 1, -1, 1, 0});
  w.nodes["fc"]["bias"] = runtime::Tensor(ir::Shape{2}, {0.5f, -2});
  GraphModule m(g, w);
  const torch::Tensor y = m.forward(torch::tensor({1.0f, 2.0f, -1.0f}).reshape({1, 1, 1, 3})).sum();
  EXPECT_FLOAT_EQ(y.item<float>(), 0.5f);
  y.backward();
  std::map<std::string, std::vector<float>> grad;
  for (const auto& p : m.named_parameters()) grad[p.key()] = values(p.value().grad());
  EXPECT_EQ(grad["fc.kernel"], (std::vector<float>{1, 2, -1, 0, 0, 0}));
  EXPECT_EQ(grad["fc.bias"], (std::vector<float>{1, 0}));
}

TEST(GraphModule, TrainModeNormalisesWithBatchStatisticsAndUpdatesRunningOnes) {
  ir::GraphBuilder b("bn");
  const int x = b.input({1, 1, 1, 1});
  const ir::Graph g = b.finish({b.batch_norm(x, 1e-5f, "bn")});
  GraphModule m(g);
  m.train();
  // Batch (1, 3): mean 2, biased variance 1 -> outputs (-1, 1); running mean 0.9*0 + 0.1*2, running
  // variance 0.9*1 + 0.1*2 (unbiased variance of the batch: 2), PyTorch's update rule.
  const torch::Tensor y = m.forward(torch::tensor({1.0f, 3.0f}).reshape({2, 1, 1, 1}));
  EXPECT_NEAR(y[0].item<float>(), -1.0f, 1e-4);
  EXPECT_NEAR(y[1].item<float>(), 1.0f, 1e-4);
  const runtime::Weights w = m.weights();
  EXPECT_NEAR(w.at("bn", "mean").data[0], 0.2f, 1e-6);
  EXPECT_NEAR(w.at("bn", "var").data[0], 1.1f, 1e-6);
}

}  // namespace
}  // namespace hwnas::train
