#include "hwnas/cost/predictor_eval.h"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "hwnas/core/rng.h"
#include "hwnas/models/registry.h"
#include "hwnas/space/search_space.h"
#include "hwnas/space/yaml_space.h"
#include "testing.h"

namespace hwnas::cost {
namespace {

TEST(PredictorEval, AccuracyByHand) {
  // Errors: +4%, -8%, +20%, 0%. Within 5%: 2 of 4; within 10%: 3 of 4.
  // RMSE ms: sqrt((0.4^2 + 1.6^2 + 1^2 + 0) / 4) = sqrt(3.72 / 4) = 0.964365.
  // Relative: sqrt((0.0016 + 0.0064 + 0.04 + 0) / 4) = sqrt(0.012) = 0.109545.
  const Accuracy a = accuracy({10.4, 18.4, 6, 1}, {10, 20, 5, 1});
  EXPECT_EQ(a.n, 4);
  EXPECT_DOUBLE_EQ(a.within_5, 0.5);
  EXPECT_DOUBLE_EQ(a.within_10, 0.75);
  EXPECT_NEAR(a.rmse_ms, std::sqrt(3.72 / 4), 1e-12);
  EXPECT_NEAR(a.rel_rmse, std::sqrt(0.012), 1e-12);
  EXPECT_NEAR(a.spearman, 1.0, 1e-12);  // same order
  EXPECT_NEAR(a.kendall, 1.0, 1e-12);
  EXPECT_HWNAS_ERROR(accuracy({1}, {0}), "must be positive");
  EXPECT_HWNAS_ERROR(accuracy({1, 2}, {1}), "2 predictions for 1 measurements");
}

TEST(PredictorEval, MedianMsPerMac) {
  // Ratios 1e-6, 2e-6, 4e-6 (ms per MAC): the median is 2e-6; a zero-MAC model is ignored.
  EXPECT_DOUBLE_EQ(median_ms_per_mac({1e6, 1e6, 1e6, 0}, {1, 2, 4, 9}), 2e-6);
  EXPECT_HWNAS_ERROR(median_ms_per_mac({0}, {1}), "no training model has MACs");
}

TEST(PredictorEval, SummaryPutsTheBaselineBeside) {
  std::vector<EvalRow> rows = {
      {.model = "a", .measured_ms = 10, .noisy = true, .predicted_ms = 10.5, .baseline_ms = 20},
      {.model = "b", .measured_ms = 20, .predicted_ms = 19, .baseline_ms = 10}};
  const EvalSummary s = summarize(rows);
  EXPECT_EQ(s.noisy, 1);
  EXPECT_DOUBLE_EQ(s.model.within_10, 1.0);
  EXPECT_DOUBLE_EQ(s.baseline.within_10, 0.0);
  EXPECT_NEAR(s.baseline.spearman, -1.0, 1e-12);
}

TEST(PredictorEval, FewShotRecoversALinearDevice) {
  // 200 "architectures" with two terms; the device is 2 x term0 + 0.5 x term1; MACs follow
  // term0 only, so the FLOPs baseline ranks worse than the fitted model.
  Rng rng(3);
  std::vector<std::vector<double>> terms;
  std::vector<double> measured, macs;
  for (int i = 0; i < 200; ++i) {
    const double t0 = rng.uniform(), t1 = rng.uniform();
    terms.push_back({t0, t1});
    measured.push_back(2 * t0 + 0.5 * t1 + 0.01);
    macs.push_back(1e6 * t0 + 1);
  }
  const auto draws = few_shot_eval(terms, {1, 1}, measured, macs, {.train = 10, .repeats = 5, .seed = 1});
  ASSERT_EQ(draws.size(), 5u);
  for (const FewShotDraw& d : draws) {
    EXPECT_EQ(d.model.n, 200);
    EXPECT_GT(d.model.spearman, 0.99);
    EXPECT_LT(d.baseline.spearman, d.model.spearman);
  }
  EXPECT_HWNAS_ERROR(few_shot_eval(terms, {1, 1}, measured, macs, {.train = 200}), "train must be between 1 and 199");
  EXPECT_HWNAS_ERROR(few_shot_eval(terms, {1, 1}, measured, {1}, {}), "must match");
}

// Three hand-made draws. Model Spearman 0.9, 0.5, 0.7 -> mean 0.7, min 0.5, max 0.9; Kendall
// 0.8, 0.4, 0.6 -> mean 0.6; within 10% 1, 0.5, 0.75 -> mean 0.75; RMS 0.05, 0.2, 0.11 ->
// mean 0.12, min 0.05, max 0.2. Baseline Spearman 0.3, 0.6, 0.0 -> mean 0.3, min 0, max 0.6.
TEST(PredictorEval, SummarizeDrawsByHand) {
  auto acc = [](double sp, double kt, double w10, double rel) {
    Accuracy a;
    a.spearman = sp;
    a.kendall = kt;
    a.within_10 = w10;
    a.rel_rmse = rel;
    return a;
  };
  const std::vector<FewShotDraw> draws = {
      {acc(0.9, 0.8, 1.0, 0.05), acc(0.3, 0.2, 0.0, 0.5), 0.1},
      {acc(0.5, 0.4, 0.5, 0.2), acc(0.6, 0.5, 0.5, 0.3), 1},
      {acc(0.7, 0.6, 0.75, 0.11), acc(0.0, -0.1, 0.25, 0.4), 10},
  };
  const FewShotSummary s = summarize(draws);
  EXPECT_EQ(s.draws, 3);
  EXPECT_NEAR(s.model.spearman.mean, 0.7, 1e-12);
  EXPECT_DOUBLE_EQ(s.model.spearman.min, 0.5);
  EXPECT_DOUBLE_EQ(s.model.spearman.max, 0.9);
  EXPECT_NEAR(s.model.kendall.mean, 0.6, 1e-12);
  EXPECT_DOUBLE_EQ(s.model.kendall.min, 0.4);
  EXPECT_DOUBLE_EQ(s.model.kendall.max, 0.8);
  EXPECT_NEAR(s.model.within_10.mean, 0.75, 1e-12);
  EXPECT_DOUBLE_EQ(s.model.within_10.min, 0.5);
  EXPECT_DOUBLE_EQ(s.model.within_10.max, 1.0);
  EXPECT_NEAR(s.model.rel_rmse.mean, 0.12, 1e-12);
  EXPECT_DOUBLE_EQ(s.model.rel_rmse.min, 0.05);
  EXPECT_DOUBLE_EQ(s.model.rel_rmse.max, 0.2);
  EXPECT_NEAR(s.baseline.spearman.mean, 0.3, 1e-12);
  EXPECT_DOUBLE_EQ(s.baseline.spearman.min, 0.0);
  EXPECT_DOUBLE_EQ(s.baseline.spearman.max, 0.6);
  EXPECT_NEAR(s.baseline.kendall.mean, 0.2, 1e-12);
  EXPECT_DOUBLE_EQ(s.baseline.kendall.min, -0.1);
  EXPECT_NEAR(s.baseline.within_10.mean, 0.25, 1e-12);
  EXPECT_NEAR(s.baseline.rel_rmse.mean, 0.4, 1e-12);
  EXPECT_DOUBLE_EQ(s.baseline.rel_rmse.max, 0.5);
  // One draw: mean = min = max.
  const FewShotSummary one = summarize({draws[1]});
  EXPECT_EQ(one.draws, 1);
  EXPECT_DOUBLE_EQ(one.model.spearman.mean, 0.5);
  EXPECT_DOUBLE_EQ(one.model.spearman.min, 0.5);
  EXPECT_DOUBLE_EQ(one.model.spearman.max, 0.5);
  EXPECT_HWNAS_ERROR(summarize(std::vector<FewShotDraw>{}), "no draws");
}

TEST(PredictorEval, HeldOutModelsSkipTheTrainingSetAndAddBuiltins) {
  const auto nb201 = space::make_space("nb201");
  PredictorFile p;
  const auto first = heldout_models(p, {nb201.get()}, 3, {"dscnn-s"}, 7);
  ASSERT_EQ(first.size(), 4u);  // 3 archs of nb201, then the built-in
  std::set<std::string> names;
  for (size_t i = 0; i < 3; ++i) {
    const auto& [name, g] = first[i];
    ASSERT_EQ(name.rfind("nb201:", 0), 0u) << name;
    names.insert(name);
    // The graph is the named arch's.
    EXPECT_TRUE(g == nb201->decode(nb201->parse(name.substr(6))));
  }
  EXPECT_EQ(names.size(), 3u);  // distinct
  EXPECT_EQ(first[3].first, "dscnn-s");
  EXPECT_TRUE(first[3].second == models::builtin_model("dscnn-s"));
  // The same seed draws the same archs.
  const auto again = heldout_models(p, {nb201.get()}, 3, {}, 7);
  ASSERT_EQ(again.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(again[i].first, first[i].first);

  // With the first two in the training set, the same draws skip them: the first held out is
  // the third of before.
  p.training["archs"] = {first[0].first, first[1].first};
  const auto heldout = heldout_models(p, {nb201.get()}, 3, {}, 7);
  ASSERT_EQ(heldout.size(), 3u);
  EXPECT_EQ(heldout[0].first, first[2].first);
  for (const auto& [name, g] : heldout) {
    EXPECT_NE(name, first[0].first);
    EXPECT_NE(name, first[1].first);
  }
}

TEST(PredictorEval, HeldOutModelsOfASmallSpaceAreWhatTrainingLeft) {
  // A space of 2 x 2 = 4 archs; one trained: only the other 3 can be held out, however many are asked.
  const auto tiny = space::parse_yaml_space(
      "name: t\ninput: [49, 10, 1]\nclasses: 12\nstages:\n  - repeat: 2\n    block: {type: mbconv, channels: 16, "
      "stride: [1, 2], expand: 1}\nhead: {channels: [64, 128], activation: hardswish, fc: false}\n",
      "t.yaml");
  const std::vector<space::Arch> all = tiny->enumerate();
  ASSERT_EQ(all.size(), 4u);
  PredictorFile p;
  const std::string trained = "t:" + tiny->to_string(all[0]);
  p.training["archs"] = {trained};
  const auto out = heldout_models(p, {tiny.get()}, 10, {}, 1);
  std::set<std::string> got, want;
  for (const auto& [name, g] : out) got.insert(name);
  for (size_t i = 1; i < all.size(); ++i) want.insert("t:" + tiny->to_string(all[i]));
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(got, want);
  // Two spaces in turn: the first's archs, then the second's.
  const auto nb201 = space::make_space("nb201");
  const auto both = heldout_models(p, {tiny.get(), nb201.get()}, 2, {}, 1);
  ASSERT_EQ(both.size(), 4u);
  EXPECT_EQ(both[0].first.rfind("t:", 0), 0u);
  EXPECT_EQ(both[1].first.rfind("t:", 0), 0u);
  EXPECT_EQ(both[2].first.rfind("nb201:", 0), 0u);
  EXPECT_EQ(both[3].first.rfind("nb201:", 0), 0u);
}

}  // namespace
}  // namespace hwnas::cost
