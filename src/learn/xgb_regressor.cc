#include "hwnas/learn/xgb_regressor.h"

#include <xgboost/c_api.h>

#include <string>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/learn/xgb_handles.h"
#include "hwnas/learn/xgb_ubj.h"

namespace hwnas::learn {

void XgbRegressor::BoosterFree::operator()(void* handle) const { XGBoosterFree(handle); }

void XgbRegressor::fit(const std::vector<std::vector<float>>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.empty())
    fail("xgb_regressor",
         "needs one target per feature vector and at least one sample (got {} feature vectors, {} targets)", x.size(),
         y.size());
  if (options_.trees < 1) fail("xgb_regressor", "trees must be at least 1 (got {})", options_.trees);
  features_ = x[0].size();
  XgbMatrix data = xgb_dense_matrix(x, features_, "xgb_regressor.fit");
  std::vector<float> labels(y.begin(), y.end());
  xgb_check(XGDMatrixSetFloatInfo(data.get(), "label", labels.data(), labels.size()), "XGDMatrixSetFloatInfo(label)");
  double mean = 0;
  for (double v : y) mean += v / static_cast<double>(y.size());

  boosters_.clear();
  Rng rng(options_.seed);
  const int n = static_cast<int>(x.size());
  for (int t = 0; t < options_.trees; ++t) {
    // Bootstrap: row i drawn weights[i] times. XGBoost reads the weights when it trains, so
    // one matrix serves every tree.
    std::vector<float> weights(n, 0.0f);
    for (int i = 0; i < n; ++i) weights[rng.uniform_int(n)] += 1.0f;
    xgb_check(XGDMatrixSetFloatInfo(data.get(), "weight", weights.data(), weights.size()),
              "XGDMatrixSetFloatInfo(weight)");
    DMatrixHandle train[] = {data.get()};
    BoosterHandle handle = nullptr;
    xgb_check(XGBoosterCreate(train, 1, &handle), "XGBoosterCreate");
    Booster booster(handle);
    const std::pair<const char*, std::string> params[] = {
        {"verbosity", "0"},
        {"nthread", "1"},
        {"seed", std::to_string(rng.uniform_int(1 << 30))},
        {"booster", "gbtree"},
        {"tree_method", "exact"},
        {"objective", "reg:squarederror"},
        {"base_score", std::to_string(mean)},
        {"eta", "1"},  // with no regularisation a leaf is the (weighted) mean of its targets
        {"lambda", "0"},
        {"alpha", "0"},
        {"gamma", "0"},
        {"min_child_weight", "1"},
        {"max_depth", std::to_string(options_.max_depth)},
        {"subsample", "1"},
        {"colsample_bynode", std::to_string(options_.feature_fraction)},
    };
    for (const auto& [name, value] : params)
      xgb_check(XGBoosterSetParam(handle, name, value.c_str()), "XGBoosterSetParam");
    xgb_check(XGBoosterUpdateOneIter(handle, 0, data.get()), "XGBoosterUpdateOneIter");
    boosters_.push_back(std::move(booster));
  }
}

std::vector<std::vector<double>> XgbRegressor::predict_trees(const std::vector<std::vector<float>>& x) const {
  if (boosters_.empty()) fail("xgb_regressor", "predict_trees() before fit()");
  std::vector<std::vector<double>> out(x.size(), std::vector<double>(boosters_.size()));
  if (x.empty()) return out;
  XgbMatrix data = xgb_dense_matrix(x, features_, "xgb_regressor.predict_trees");
  for (size_t t = 0; t < boosters_.size(); ++t) {
    bst_ulong length = 0;
    const float* result = nullptr;
    xgb_check(XGBoosterPredict(boosters_[t].get(), data.get(), 0, 0, 0, &length, &result), "XGBoosterPredict");
    if (length != x.size()) fail("xgb_regressor", "XGBoost returned {} predictions for {} rows", length, x.size());
    for (size_t i = 0; i < x.size(); ++i) out[i][t] = result[i];
  }
  return out;
}

std::vector<double> XgbRegressor::predict(const std::vector<std::vector<float>>& x) const {
  std::vector<double> out;
  out.reserve(x.size());
  for (const auto& trees : predict_trees(x)) {
    double sum = 0;
    for (double v : trees) sum += v;
    out.push_back(sum / static_cast<double>(trees.size()));
  }
  return out;
}

std::vector<std::string> XgbRegressor::save_trees(const std::string& format) const {
  if (boosters_.empty()) fail("xgb_regressor", "save_trees() before fit()");
  if (format != "ubj" && format != "json") fail("xgb_regressor", "format '{}' is not 'ubj' or 'json'", format);
  const std::string config = R"({"format": ")" + format + R"("})";
  std::vector<std::string> out;
  for (const Booster& b : boosters_) {
    bst_ulong length = 0;
    const char* data = nullptr;
    xgb_check(XGBoosterSaveModelToBuffer(b.get(), config.c_str(), &length, &data), "XGBoosterSaveModelToBuffer");
    out.emplace_back(data, length);
  }
  return out;
}

XgbRegressor XgbRegressor::load_trees(const std::vector<std::string>& buffers, size_t features) {
  if (buffers.empty()) fail("xgb_regressor", "load_trees() needs at least one tree");
  if (features == 0) fail("xgb_regressor", "load_trees() needs the number of features (got 0)");
  XgbRegressor r;
  r.options_.trees = static_cast<int>(buffers.size());
  r.features_ = features;
  for (size_t t = 0; t < buffers.size(); ++t) {
    BoosterHandle handle = nullptr;
    xgb_check(XGBoosterCreate(nullptr, 0, &handle), "XGBoosterCreate");
    Booster booster(handle);
    check_ubj_model(buffers[t], fmt::format("xgb_regressor tree {}", t));
    if (XGBoosterLoadModelFromBuffer(handle, buffers[t].data(), buffers[t].size()) != 0)
      fail(fmt::format("xgb_regressor tree {}", t), "not a valid XGBoost model: {}", XGBGetLastError());
    r.boosters_.push_back(std::move(booster));
  }
  return r;
}

}  // namespace hwnas::learn
