#pragma once
// learn::XgbRegressor: a bagged ensemble of XGBoost regression trees (XGBoost's C API), the
// surrogate of the predictor-guided strategy. Each member is a one-round, one-tree XGBoost
// model (learning rate 1, no regularisation, so a leaf predicts the mean of its targets) grown
// on its own bootstrap sample of the rows (passed to XGBoost as integer row weights) and
// trying a random fraction of the features at each split (colsample_bynode): a random forest
// (Breiman 2001). Separate members rather than XGBoost's num_parallel_tree because the
// strategy needs each tree's prediction (its belief is the set of them), which XGBoost only
// reports summed. Deterministic given Options::seed (nthread=1, exact tree method).
//
// XGBoost predicts in float: a prediction equal to a training target is only equal to about
// 1e-7 relative.
//
//   learn::XgbRegressor r({.trees = 20, .seed = 7});
//   r.fit(rows /* one feature vector per sample */, targets);
//   std::vector<std::vector<double>> p = r.predict_trees(rows);  // p[row][tree]
//   std::vector<std::string> saved = r.save_trees();              // one buffer per tree
//   auto again = learn::XgbRegressor::load_trees(saved, rows[0].size());
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hwnas::learn {

class XgbRegressor {
 public:
  struct Options {
    int trees = 20;
    int max_depth = 20;
    double feature_fraction = 0.5;  // of the features tried at each split
    uint64_t seed = 0;              // bootstraps and feature sampling
  };

  XgbRegressor() = default;
  explicit XgbRegressor(Options options) : options_(options) {}

  // x[i] are the features of sample i (all the same length, at least one), y[i] its target.
  // Throws hwnas::Error if the shapes disagree, there is no data, or XGBoost fails.
  void fit(const std::vector<std::vector<float>>& x, const std::vector<double>& y);
  // Each tree's prediction for each row: result[row][tree]. Throws before fit() or when a
  // row's length differs from fit()'s.
  std::vector<std::vector<double>> predict_trees(const std::vector<std::vector<float>>& x) const;
  // The mean over trees per row (the forest's prediction).
  std::vector<double> predict(const std::vector<std::vector<float>>& x) const;
  int trees() const { return static_cast<int>(boosters_.size()); }
  size_t features() const { return features_; }

  // Each tree as an XGBoost model buffer ("ubj", XGBoost's binary JSON, or "json"), for model
  // files; load_trees() restores a fitted regressor from them (errors name the bad tree).
  std::vector<std::string> save_trees(const std::string& format = "ubj") const;
  static XgbRegressor load_trees(const std::vector<std::string>& buffers, size_t features);
  bool fitted() const { return !boosters_.empty(); }

 private:
  struct BoosterFree {
    void operator()(void* handle) const;
  };
  using Booster = std::unique_ptr<void, BoosterFree>;

  Options options_;
  size_t features_ = 0;
  std::vector<Booster> boosters_;
};

}  // namespace hwnas::learn
