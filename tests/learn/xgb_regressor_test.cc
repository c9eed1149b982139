#include "hwnas/learn/xgb_regressor.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::learn {
namespace {

// Rows: three one-hot features (a decision with 3 choices) and one numeric feature u in [0, 1).
// Target y = 10 if the choice is 2, plus 5 if u > 0.5: a tree of depth 2 represents it exactly,
// so every tree predicts it wherever the data pin it down.
struct Step {
  std::vector<std::vector<float>> x;
  std::vector<double> y;
  explicit Step(int n) {
    Rng rng(1);
    for (int i = 0; i < n; ++i) {
      const int choice = i % 3;
      const float u = static_cast<float>(rng.uniform());
      x.push_back({choice == 0 ? 1.0f : 0.0f, choice == 1 ? 1.0f : 0.0f, choice == 2 ? 1.0f : 0.0f, u});
      y.push_back((choice == 2 ? 10 : 0) + (u > 0.5 ? 5 : 0));
    }
  }
};

TEST(XgbRegressor, FitsAKnownFunctionInEveryTree) {
  Step data(60);
  XgbRegressor r({.trees = 10, .feature_fraction = 1.0, .seed = 3});
  r.fit(data.x, data.y);
  EXPECT_EQ(r.trees(), 10);
  // Unseen values of u well clear of 0.5 (a bootstrap may put the threshold anywhere between
  // the training values nearest it). Expected: 0 + 5, 10 + 0, 10 + 5, 0 + 0.
  auto p = r.predict_trees({{1, 0, 0, 0.97f}, {0, 0, 1, 0.03f}, {0, 0, 1, 0.96f}, {0, 1, 0, 0.02f}});
  const double expected[] = {5, 10, 15, 0};
  ASSERT_EQ(p.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(p[i].size(), 10u);
    for (double v : p[i]) EXPECT_NEAR(v, expected[i], 1e-4) << "row " << i;
  }
}

TEST(XgbRegressor, TreesDisagreeWhereTheDataDoAndTheMeanIsTheirs) {
  // Six identical rows with targets 0 and 10 (noise): each tree predicts the mean of its
  // bootstrap, so the trees spread around 5.
  std::vector<std::vector<float>> x(6, {1.0f});
  std::vector<double> y = {0, 10, 0, 10, 0, 10};
  XgbRegressor r({.trees = 50, .seed = 5});
  r.fit(x, y);
  auto p = r.predict_trees({{1.0f}})[0];
  double mean = 0, lo = 10, hi = 0;
  for (double v : p) mean += v / p.size(), lo = std::min(lo, v), hi = std::max(hi, v);
  EXPECT_NEAR(mean, 5, 1.5);
  EXPECT_GT(hi - lo, 3);
  for (double v : p) EXPECT_TRUE(v >= -1e-4 && v <= 10 + 1e-4) << v;
}

TEST(XgbRegressor, DeterministicBySeed) {
  Step data(30);
  auto predict = [&](uint64_t seed) {
    XgbRegressor r({.trees = 8, .max_depth = 3, .feature_fraction = 0.5, .seed = seed});
    r.fit(data.x, data.y);
    return r.predict_trees(data.x);
  };
  EXPECT_EQ(predict(7), predict(7));
  EXPECT_NE(predict(7), predict(8));  // other bootstraps and feature draws
}

TEST(XgbRegressor, Errors) {
  XgbRegressor r;
  EXPECT_HWNAS_ERROR(r.predict_trees({{1.0f}}), "predict_trees() before fit()");
  EXPECT_HWNAS_ERROR(r.fit({}, {}), "at least one sample (got 0 feature vectors, 0 targets)");
  EXPECT_HWNAS_ERROR(r.fit({{1.0f}}, {1.0, 2.0}), "got 1 feature vectors, 2 targets");
  EXPECT_HWNAS_ERROR(r.fit({{1.0f, 2.0f}, {1.0f}}, {1.0, 2.0}), "row 1 has 1 features, expected 2");
  EXPECT_HWNAS_ERROR(XgbRegressor({.trees = 0}).fit({{1.0f}}, {1.0}), "trees must be at least 1 (got 0)");
  r.fit({{1.0f}}, {1.0});
  EXPECT_HWNAS_ERROR(r.predict_trees({{1.0f, 2.0f}}), "row 0 has 2 features, expected 1");
  // XGBoost's own errors carry its message: a depth it rejects.
  EXPECT_HWNAS_ERROR(XgbRegressor({.max_depth = -1}).fit({{1.0f}}, {1.0}), "xgboost");
}

TEST(XgbRegressor, SavedTreesPredictTheSame) {
  Step data(40);
  XgbRegressor r({.trees = 5, .max_depth = 4, .seed = 2});
  r.fit(data.x, data.y);
  for (const std::string format : {"ubj", "json"}) {
    const auto saved = r.save_trees(format);
    ASSERT_EQ(saved.size(), 5u);
    const XgbRegressor again = XgbRegressor::load_trees(saved, 4);
    EXPECT_EQ(again.features(), 4u);
    EXPECT_EQ(again.predict_trees(data.x), r.predict_trees(data.x)) << format;
  }
  // predict() is the mean over the trees.
  const auto trees = r.predict_trees(data.x);
  const auto mean = r.predict(data.x);
  double sum = 0;
  for (double v : trees[3]) sum += v;
  EXPECT_DOUBLE_EQ(mean[3], sum / 5);
  EXPECT_HWNAS_ERROR(XgbRegressor::load_trees({"not a model"}, 4), "xgb_regressor tree 0");
  EXPECT_HWNAS_ERROR(XgbRegressor::load_trees({}, 4), "at least one tree");
  EXPECT_HWNAS_ERROR(XgbRegressor().save_trees(), "save_trees() before fit()");
  EXPECT_HWNAS_ERROR(r.save_trees("xml"), "format 'xml'");
}

}  // namespace
}  // namespace hwnas::learn
