#include "hwnas/search/forest.h"

#include <algorithm>
#include <cmath>

#include "hwnas/core/error.h"

namespace hwnas::search {

void Forest::fit(const std::vector<space::Decision>& decisions, const std::vector<space::Arch>& x,
                 const std::vector<std::vector<double>>& numeric, const std::vector<double>& y, Rng& rng) {
  if (x.size() != y.size() || x.size() != numeric.size() || x.empty())
    fail("forest", "needs one target and one numeric-feature vector per architecture, and at least one "
                   "architecture (got {} archs, {} feature vectors, {} targets)",
         x.size(), numeric.size(), y.size());
  numeric_size_ = numeric[0].size();
  for (const auto& v : numeric)
    if (v.size() != numeric_size_) fail("forest", "numeric feature vectors differ in length");
  features_.clear();
  for (int d = 0; d < static_cast<int>(decisions.size()); ++d)
    for (int c = 0; c < static_cast<int>(decisions[d].choices.size()); ++c) features_.push_back({d, c});
  for (size_t j = 0; j < numeric_size_; ++j) features_.push_back({-1, static_cast<int>(j)});
  trees_.assign(options_.trees, {});
  const int n = static_cast<int>(x.size());
  const Data data{x, numeric, y};
  for (Tree& tree : trees_) {
    std::vector<int> rows(n);
    for (int& r : rows) r = rng.uniform_int(n);  // bootstrap sample
    grow(tree, rows, 0, data, rng);
  }
}

bool Forest::goes_yes(const Node& n, const space::Arch& a, const std::vector<double>& numeric) const {
  const Feature& f = features_[n.feature];
  return f.decision >= 0 ? a.choice[f.decision] == f.choice : numeric[f.choice] <= n.threshold;
}

int Forest::grow(Tree& tree, std::vector<int>& rows, int depth, const Data& data, Rng& rng) {
  const int index = static_cast<int>(tree.size());
  tree.push_back({});
  double sum = 0;
  for (int r : rows) sum += data.y[r];
  const int n = static_cast<int>(rows.size());
  tree[index].value = sum / n;
  if (depth >= options_.max_depth || n < 2 * options_.min_leaf) return index;

  // Best split by reduction of the squared error: maximise sum_yes^2/n_yes + sum_no^2/n_no.
  const double parent = sum * sum / n;
  double best_gain = parent + 1e-9 * std::max(1.0, std::abs(parent));
  Node best;
  auto consider = [&](int feature, double threshold, double s_yes, int n_yes) {
    const int n_no = n - n_yes;
    if (n_yes < options_.min_leaf || n_no < options_.min_leaf) return;
    const double gain = s_yes * s_yes / n_yes + (sum - s_yes) * (sum - s_yes) / n_no;
    if (gain > best_gain) best_gain = gain, best.feature = feature, best.threshold = threshold;
  };
  std::vector<std::pair<double, double>> sorted;  // (numeric value, y) for threshold scans
  for (int f = 0; f < static_cast<int>(features_.size()); ++f) {
    if (!rng.bernoulli(options_.feature_fraction)) continue;
    const Feature& feat = features_[f];
    if (feat.decision >= 0) {
      double s_yes = 0;
      int n_yes = 0;
      for (int r : rows)
        if (data.x[r].choice[feat.decision] == feat.choice) s_yes += data.y[r], ++n_yes;
      consider(f, 0, s_yes, n_yes);
      continue;
    }
    sorted.clear();
    for (int r : rows) sorted.emplace_back(data.numeric[r][feat.choice], data.y[r]);
    std::sort(sorted.begin(), sorted.end());
    double s_yes = 0;
    for (int i = 0; i + 1 < n; ++i) {
      s_yes += sorted[i].second;
      if (sorted[i].first < sorted[i + 1].first)
        consider(f, (sorted[i].first + sorted[i + 1].first) / 2, s_yes, i + 1);
    }
  }
  if (best.feature < 0) return index;
  std::vector<int> yes, no;
  for (int r : rows) (goes_yes(best, data.x[r], data.numeric[r]) ? yes : no).push_back(r);
  rows = {};  // free before recursing
  best.yes = grow(tree, yes, depth + 1, data, rng);
  best.no = grow(tree, no, depth + 1, data, rng);
  tree[index] = best;
  return index;
}

std::vector<double> Forest::predict_trees(const space::Arch& a, const std::vector<double>& numeric) const {
  if (trees_.empty()) fail("forest", "predict() before fit()");
  if (numeric.size() != numeric_size_)
    fail("forest", "predict() got {} numeric features, fit() had {}", numeric.size(), numeric_size_);
  std::vector<double> out;
  out.reserve(trees_.size());
  for (const Tree& tree : trees_) {
    int i = 0;
    while (tree[i].feature >= 0) i = goes_yes(tree[i], a, numeric) ? tree[i].yes : tree[i].no;
    out.push_back(tree[i].value);
  }
  return out;
}

std::pair<double, double> Forest::predict(const space::Arch& a, const std::vector<double>& numeric) const {
  double sum = 0, sum2 = 0;
  const std::vector<double> values = predict_trees(a, numeric);
  for (double v : values) sum += v, sum2 += v * v;
  const double k = static_cast<double>(values.size());
  const double mean = sum / k;
  return {mean, std::sqrt(std::max(0.0, sum2 / k - mean * mean))};
}

}  // namespace hwnas::search
