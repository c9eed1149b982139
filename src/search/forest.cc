#include "hwnas/search/forest.h"

#include <cmath>

#include "hwnas/core/error.h"

namespace hwnas::search {

void Forest::fit(const std::vector<space::Decision>& decisions, const std::vector<space::Arch>& x,
                 const std::vector<double>& y, Rng& rng) {
  if (x.size() != y.size() || x.empty())
    fail("forest", "needs as many targets as architectures and at least one (got {} and {})", x.size(), y.size());
  features_.clear();
  for (int d = 0; d < static_cast<int>(decisions.size()); ++d)
    for (int c = 0; c < static_cast<int>(decisions[d].choices.size()); ++c) features_.emplace_back(d, c);
  trees_.assign(options_.trees, {});
  const int n = static_cast<int>(x.size());
  for (Tree& tree : trees_) {
    std::vector<int> rows(n);
    for (int& r : rows) r = rng.uniform_int(n);  // bootstrap sample
    grow(tree, rows, 0, x, y, rng);
  }
}

int Forest::grow(Tree& tree, std::vector<int>& rows, int depth, const std::vector<space::Arch>& x,
                 const std::vector<double>& y, Rng& rng) {
  const int index = static_cast<int>(tree.size());
  tree.push_back({});
  double sum = 0;
  for (int r : rows) sum += y[r];
  const double n = static_cast<double>(rows.size());
  tree[index].value = sum / n;
  if (depth >= options_.max_depth || static_cast<int>(rows.size()) < 2 * options_.min_leaf) return index;

  // Best split by reduction of the squared error: maximise sum_yes^2/n_yes + sum_no^2/n_no.
  double best_gain = sum * sum / n + 1e-12;
  int best = -1;
  for (int f = 0; f < static_cast<int>(features_.size()); ++f) {
    if (!rng.bernoulli(options_.feature_fraction)) continue;
    auto [d, c] = features_[f];
    double s_yes = 0;
    int n_yes = 0;
    for (int r : rows)
      if (x[r].choice[d] == c) s_yes += y[r], ++n_yes;
    const int n_no = static_cast<int>(rows.size()) - n_yes;
    if (n_yes < options_.min_leaf || n_no < options_.min_leaf) continue;
    double gain = s_yes * s_yes / n_yes + (sum - s_yes) * (sum - s_yes) / n_no;
    if (gain > best_gain) best_gain = gain, best = f;
  }
  if (best < 0) return index;
  auto [d, c] = features_[best];
  std::vector<int> yes, no;
  for (int r : rows) (x[r].choice[d] == c ? yes : no).push_back(r);
  rows.clear();
  rows.shrink_to_fit();
  int yes_child = grow(tree, yes, depth + 1, x, y, rng);
  int no_child = grow(tree, no, depth + 1, x, y, rng);
  tree[index].decision = d;
  tree[index].choice = c;
  tree[index].yes = yes_child;
  tree[index].no = no_child;
  return index;
}

std::pair<double, double> Forest::predict(const space::Arch& a) const {
  if (trees_.empty()) fail("forest", "predict() before fit()");
  double sum = 0, sum2 = 0;
  for (const Tree& tree : trees_) {
    int i = 0;
    while (tree[i].decision >= 0) i = a.choice[tree[i].decision] == tree[i].choice ? tree[i].yes : tree[i].no;
    sum += tree[i].value;
    sum2 += tree[i].value * tree[i].value;
  }
  const double k = static_cast<double>(trees_.size());
  const double mean = sum / k;
  return {mean, std::sqrt(std::max(0.0, sum2 / k - mean * mean))};
}

}  // namespace hwnas::search
