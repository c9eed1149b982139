#include "hwnas/quant/calibration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::quant {
namespace {

using ::testing::HasSubstr;

// input [1, n] -> relu: ranges of both nodes over hand-made samples.
struct Net {
  ir::Graph g{"relu"};
  runtime::InferenceParams p;
  explicit Net(int n) {
    ir::Attrs in;
    in.shape = {1, n};
    const int x = g.add(ir::OpKind::Input, {}, in, "x");
    g.set_outputs({g.add(ir::OpKind::Relu, {x}, {}, "r")});
    p = runtime::inference_params(g, runtime::init_weights(g), true);
  }
  std::vector<runtime::Tensor> sample(std::vector<float> v) const { return {runtime::Tensor(g.node(0).shape, v)}; }
};

TEST(Calibration, MinMaxAndMovingAverageByHand) {
  const Net n(2);
  const std::vector<std::vector<runtime::Tensor>> s = {n.sample({-1, 2}), n.sample({-3, 1}), n.sample({0, 4})};
  auto r = calibrate(n.g, n.p, s);
  EXPECT_EQ(r[0], std::make_pair(-3.0f, 4.0f));
  EXPECT_EQ(r[1], std::make_pair(0.0f, 4.0f));  // relu's output
  // Momentum 0.5: lo = -1 -> 0.5*-1 + 0.5*-3 = -2 -> 0.5*-2 + 0.5*0 = -1; hi = 2 -> 1.5 -> 2.75.
  r = calibrate(n.g, n.p, s, {.policy = RangePolicy::MovingAverage, .momentum = 0.5});
  EXPECT_FLOAT_EQ(r[0].first, -1.0f);
  EXPECT_FLOAT_EQ(r[0].second, 2.75f);
}

TEST(Calibration, PercentileDropsOutliersOfLargeTensorsOnly) {
  // 4096 values 0, 1/4096, ..., plus one 1000: min/max reaches 1000; the 99.9th percentile
  // stays below 1. Two samples, so the quantile is over both.
  Net n(4096);
  std::vector<float> v(4096);
  for (int i = 0; i < 4096; ++i) v[i] = static_cast<float>(i) / 4096;
  std::vector<float> w = v;
  w[17] = 1000;
  const std::vector<std::vector<runtime::Tensor>> s = {n.sample(v), n.sample(w)};
  EXPECT_EQ(calibrate(n.g, n.p, s)[0].second, 1000.0f);
  const auto r = calibrate(n.g, n.p, s, {.policy = RangePolicy::Percentile, .percentile = 99.9});
  EXPECT_LT(r[0].second, 1.0f);
  EXPECT_GT(r[0].second, 0.95f);
  EXPECT_LT(r[0].first, 0.01f);
  // A tensor of a few values (logits) keeps min/max even under the percentile policy.
  Net small(4);
  const auto rs = calibrate(small.g, small.p, {small.sample({0, 1, 2, 1000})},
                            {.policy = RangePolicy::Percentile, .percentile = 99.9});
  EXPECT_EQ(rs[0].second, 1000.0f);
}

TEST(Calibration, BadSamplesAreNamed) {
  const Net n(2);
  EXPECT_THAT([&] { calibrate(n.g, n.p, {}); }, ::testing::ThrowsMessage<Error>(HasSubstr("no calibration samples")));
  const Net other(3);
  EXPECT_THAT([&] { calibrate(n.g, n.p, {n.sample({1, 2}), other.sample({1, 2, 3})}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("calibration sample 1: node 'x' (input): input tensor has shape [1,3]")));
  EXPECT_THAT(range_policy_from_name("minmax"), RangePolicy::MinMax);
  EXPECT_THROW(range_policy_from_name("histogram"), Error);
}

}  // namespace
}  // namespace hwnas::quant
