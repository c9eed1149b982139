#include "hwnas/learn/boosted_residual.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/learn/xgb_ubj.h"

namespace hwnas::learn {
namespace {

using learn::xgb_check;

// A booster training on `train` with squared error from base_score = the targets' mean (XGBoost
// 1.7 starts from 0.5 otherwise), one thread and the hist method (exact on these small integer
// features, and deterministic without row or column sampling).
learn::XgbBooster make_booster(void* train, double base, int depth, double learning_rate) {
  learn::XgbBooster b = learn::xgb_booster({train});
  const std::pair<const char*, std::string> params[] = {
      {"verbosity", "0"},
      {"nthread", "1"},
      {"booster", "gbtree"},
      {"tree_method", "hist"},
      {"objective", "reg:squarederror"},
      {"base_score", fmt::format("{:.9g}", base)},
      {"max_depth", std::to_string(depth)},
      {"eta", fmt::format("{:.9g}", learning_rate)},
  };
  for (const auto& [name, value] : params)
    xgb_check(XGBoosterSetParam(b.get(), name, value.c_str()), "XGBoosterSetParam");
  return b;
}

std::vector<double> predict_rows(void* booster, void* data, size_t rows) {
  const char* config =
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  xgb_check(XGBoosterPredictFromDMatrix(booster, data, config, &shape, &dim, &result), "XGBoosterPredictFromDMatrix");
  if (dim != 1 || shape[0] != rows)
    fail("boosted residual", "XGBoost returned predictions of another shape than {} rows", rows);
  return std::vector<double>(result, result + rows);
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x / static_cast<double>(v.size());
  return s;
}

void set_labels(void* data, const std::vector<double>& y) {
  const std::vector<float> labels(y.begin(), y.end());
  xgb_check(XGDMatrixSetFloatInfo(data, "label", labels.data(), labels.size()), "XGDMatrixSetFloatInfo(label)");
}

template <typename T>
std::vector<T> pick(const std::vector<T>& v, const std::vector<size_t>& idx) {
  std::vector<T> out;
  out.reserve(idx.size());
  for (size_t i : idx) out.push_back(v[i]);
  return out;
}

void check_options(const ResidualOptions& o) {
  const char* where = "boosted residual options";
  if (o.folds < 2) fail(where, "folds must be at least 2 (got {})", o.folds);
  if (o.depths.empty() || o.learning_rates.empty()) fail(where, "the grid of depths and learning rates is empty");
  for (int d : o.depths)
    if (d < 1) fail(where, "depth {} is not at least 1", d);
  for (double r : o.learning_rates)
    if (!(r > 0 && r <= 1)) fail(where, "learning rate {} is not in (0, 1]", r);
  if (!(o.clip > 0)) fail(where, "clip must be positive (got {})", o.clip);
  if (o.round_step < 1 || o.max_rounds < o.round_step)
    fail(where, "rounds: step {} and maximum {} must satisfy 1 <= step <= maximum", o.round_step, o.max_rounds);
}

}  // namespace

std::shared_ptr<const BoostedResidual> BoostedResidual::fit(const std::vector<std::vector<float>>& x,
                                                            const std::vector<double>& targets,
                                                            const ResidualOptions& o, ResidualCv& cv) {
  const char* where = "boosted residual";
  if (x.size() != targets.size() || x.empty())
    fail(where, "needs one target per feature row and at least one row (got {} rows, {} targets)", x.size(),
         targets.size());
  check_options(o);
  std::vector<double> y;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!std::isfinite(targets[i])) fail(where, "target {} is {}; targets must be finite", i, targets[i]);
    y.push_back(std::clamp(targets[i], -o.clip, o.clip));
  }
  const size_t n = x.size(), features = x[0].size();
  cv = {};
  cv.rows = static_cast<int>(n);
  cv.min_rows = o.min_rows;
  double sq = 0;
  for (double v : y) sq += v * v / static_cast<double>(n);
  cv.base_rms = std::sqrt(sq);
  if (cv.rows < o.min_rows) return nullptr;
  cv.folds = o.folds;

  // Folds: a shuffled order, row order[i] in fold i % folds.
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng(o.seed);
  rng.shuffle(order);
  std::vector<std::vector<size_t>> train(o.folds), held(o.folds);
  for (size_t i = 0; i < n; ++i)
    for (int f = 0; f < o.folds; ++f) (static_cast<int>(i % o.folds) == f ? held : train)[f].push_back(order[i]);

  // Squared held-out error summed over folds, per (depth, learning rate, checkpoint).
  const int checkpoints = o.max_rounds / o.round_step;
  std::vector<double> sse(o.depths.size() * o.learning_rates.size() * checkpoints, 0.0);
  for (int f = 0; f < o.folds; ++f) {
    const std::vector<double> train_y = pick(y, train[f]), held_y = pick(y, held[f]);
    learn::XgbMatrix train_m = learn::xgb_dense_matrix(pick(x, train[f]), features, where);
    learn::XgbMatrix held_m = learn::xgb_dense_matrix(pick(x, held[f]), features, where);
    set_labels(train_m.get(), train_y);
    for (size_t d = 0; d < o.depths.size(); ++d)
      for (size_t r = 0; r < o.learning_rates.size(); ++r) {
        learn::XgbBooster b = make_booster(train_m.get(), mean_of(train_y), o.depths[d], o.learning_rates[r]);
        for (int c = 0; c < checkpoints; ++c) {
          for (int k = 0; k < o.round_step; ++k)
            xgb_check(XGBoosterUpdateOneIter(b.get(), c * o.round_step + k, train_m.get()), "XGBoosterUpdateOneIter");
          const std::vector<double> p = predict_rows(b.get(), held_m.get(), held_y.size());
          double& s = sse[(d * o.learning_rates.size() + r) * checkpoints + c];
          for (size_t i = 0; i < p.size(); ++i) s += (held_y[i] - p[i]) * (held_y[i] - p[i]);
        }
      }
  }
  const size_t best = static_cast<size_t>(std::min_element(sse.begin(), sse.end()) - sse.begin());
  cv.depth = o.depths[best / checkpoints / o.learning_rates.size()];
  cv.learning_rate = o.learning_rates[best / checkpoints % o.learning_rates.size()];
  cv.rounds = static_cast<int>(best % checkpoints + 1) * o.round_step;
  cv.cv_rms = std::sqrt(sse[best] / static_cast<double>(n));
  cv.kept = cv.cv_rms < (1 - o.min_gain) * cv.base_rms;
  if (!cv.kept) return nullptr;

  learn::XgbMatrix all = learn::xgb_dense_matrix(x, features, where);
  set_labels(all.get(), y);
  learn::XgbBooster b = make_booster(all.get(), mean_of(y), cv.depth, cv.learning_rate);
  for (int k = 0; k < cv.rounds; ++k)
    xgb_check(XGBoosterUpdateOneIter(b.get(), k, all.get()), "XGBoosterUpdateOneIter");
  return std::shared_ptr<const BoostedResidual>(
      new BoostedResidual(std::move(b), {features, cv.rounds, cv.depth, cv.learning_rate}));
}

std::string describe(const ResidualCv& cv) {
  if (cv.rows == 0) return "not tried";
  if (cv.folds == 0) return fmt::format("not fitted: {} rows, fewer than {}", cv.rows, cv.min_rows);
  const std::string figures =
      fmt::format("{}-fold CV RMS {:.1f}% vs {:.1f}% linear", cv.folds, 100 * cv.cv_rms, 100 * cv.base_rms);
  if (!cv.kept) return "not kept: " + figures + ", no clear gain";
  return fmt::format("{} rounds, depth {}; {}", cv.rounds, cv.depth, figures);
}

std::vector<double> BoostedResidual::predict(const std::vector<std::vector<float>>& x) const {
  if (x.empty()) return {};
  learn::XgbMatrix data = learn::xgb_dense_matrix(x, shape_.features, "boosted residual: predict");
  std::lock_guard lock(mutex_);
  return predict_rows(booster_.get(), data.get(), x.size());
}

std::string BoostedResidual::save() const {
  std::lock_guard lock(mutex_);
  bst_ulong length = 0;
  const char* data = nullptr;
  xgb_check(XGBoosterSaveModelToBuffer(booster_.get(), R"({"format": "ubj"})", &length, &data),
            "XGBoosterSaveModelToBuffer");
  return std::string(data, length);
}

std::shared_ptr<const BoostedResidual> BoostedResidual::load(const std::string& bytes, const BoostedShape& shape,
                                                             const std::string& where) {
  learn::check_ubj_model(bytes, where);  // XGBoost's reader trusts every length in the buffer
  learn::XgbBooster b = learn::xgb_booster();
  if (XGBoosterLoadModelFromBuffer(b.get(), bytes.data(), bytes.size()) != 0)
    fail(where, "not a valid XGBoost model: {}", XGBGetLastError());
  bst_ulong features = 0;
  int rounds = 0;
  xgb_check(XGBoosterGetNumFeature(b.get(), &features), "XGBoosterGetNumFeature");
  xgb_check(XGBoosterBoostedRounds(b.get(), &rounds), "XGBoosterBoostedRounds");
  if (features != shape.features || rounds != shape.rounds)
    fail(where, "the XGBoost model has {} features and {} rounds; the file says {} and {} (refit the model)", features,
         rounds, shape.features, shape.rounds);
  xgb_check(XGBoosterSetParam(b.get(), "nthread", "1"), "XGBoosterSetParam");
  return std::shared_ptr<const BoostedResidual>(new BoostedResidual(std::move(b), shape));
}

}  // namespace hwnas::learn
