#include "hwnas/quant/error_analysis.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/quant/calibration.h"
#include "hwnas/runtime/weights.h"
#include "quant_testing.h"

namespace hwnas::quant {
namespace {

using ::testing::HasSubstr;

TEST(ErrorAnalysis, SqnrByHand) {
  // signal 100, noise 1 -> 20 dB; no noise -> +inf.
  EXPECT_DOUBLE_EQ(sqnr_db(100, 1), 20);
  EXPECT_TRUE(std::isinf(sqnr_db(5, 0)));
}

// input [1, 64] -> fc(4 units), the units' weights 1000x apart.
struct FcNet {
  ir::Graph g{"fc"};
  runtime::InferenceParams p;
  FcNet() {
    ir::Attrs in;
    in.shape = {1, 64};
    const int x = g.add(ir::OpKind::Input, {}, in, "x");
    ir::Attrs f;
    f.out_channels = 4;
    g.set_outputs({g.add(ir::OpKind::FullyConnected, {x}, f, "fc")});
    runtime::Weights w = runtime::init_weights(g, {.seed = 1});
    auto& k = w.nodes["fc"]["kernel"].data;
    for (size_t i = 0; i < k.size(); ++i) k[i] *= i < 64 ? 1000.0f : 1.0f;  // unit 0 dominates
    p = runtime::inference_params(g, w, true);
  }
};

TEST(ErrorAnalysis, PerTensorFcWeightsAreDiagnosedAndPerChannelFixesThem) {
  const FcNet n;
  const auto samples = testing::random_samples(n.g, 4, 1);
  const auto ranges = calibrate(n.g, n.p, samples);
  const ErrorReport per_tensor = analyze_errors(quantize_model(n.g, n.p, ranges, {.per_channel_fc = false}), n.p, samples);
  const ErrorReport per_channel = analyze_errors(quantize_model(n.g, n.p, ranges), n.p, samples);
  // Ranked worst first: the FC, with the per-tensor reason.
  const LayerError& worst = per_tensor.layers[per_tensor.ranked[0]];
  EXPECT_EQ(worst.name, "fc");
  EXPECT_THAT(worst.reason, HasSubstr("per-tensor FC weights"));
  // The output is dominated by unit 0 either way, so SQNR hardly changes; the small units'
  // weights, though, lose their resolution per tensor: their int8 codes are all near 0.
  EXPECT_GE(per_channel.layers[1].isolated_sqnr_db, per_tensor.layers[1].isolated_sqnr_db - 0.5);
  EXPECT_THAT(per_channel.layers[1].reason, ::testing::Not(HasSubstr("per-tensor")));
}

TEST(ErrorAnalysis, ValuesBeyondTheCalibratedRangeAreDiagnosed) {
  const FcNet n;
  const auto ranges = calibrate(n.g, n.p, testing::random_samples(n.g, 2, 1));  // U(-1, 1)
  auto wide = testing::random_samples(n.g, 2, 5);
  for (auto& s : wide)
    for (float& v : s[0].data) v *= 3;  // U(-3, 3): two thirds beyond the range
  const ErrorReport r = analyze_errors(quantize_model(n.g, n.p, ranges), n.p, wide);
  EXPECT_EQ(r.layers[0].name, "x");
  EXPECT_NEAR(r.layers[0].clipped, 2.0 / 3, 0.1);
  EXPECT_THAT(r.layers[0].reason, HasSubstr("fall outside the calibrated range"));
  EXPECT_LT(r.layers[0].sqnr_db, 10);  // clipping, not rounding
}

}  // namespace
}  // namespace hwnas::quant
