#pragma once
// search::Forest: a random forest of regression trees over architectures, the surrogate of
// the predictor-guided strategy. Features are the one-hot encoding of the arch's choices (a
// split asks "does decision d take choice c?", so no one-hot vector is ever materialised)
// plus optional numeric features per arch (the strategy passes the cheap metrics: latency or
// MACs say much about accuracy, e.g. NB201's cells that do not connect input to output are
// both the fastest and untrainable). Each tree is grown on a bootstrap sample of the data,
// trying a random fraction of the features at each node (Breiman 2001); the prediction is the
// mean over trees and the spread between trees (their standard deviation) is the uncertainty
// the acquisition function uses. Deterministic given the Rng.
//
//   search::Forest f({.trees = 20});
//   f.fit(space.decisions(), archs, numeric /* one vector per arch, may be empty */, accuracies, rng);
//   auto [mean, stddev] = f.predict(arch, numeric_of_arch);
#include <utility>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/space/search_space.h"

namespace hwnas::search {

class Forest {
 public:
  struct Options {
    int trees = 20;
    int min_leaf = 1;                // fewest samples in a leaf
    int max_depth = 20;
    double feature_fraction = 0.5;   // of the features tried at each split
  };

  Forest() = default;
  explicit Forest(Options options) : options_(options) {}

  // numeric[i] are the numeric features of x[i] (all the same length; none is fine).
  // Throws hwnas::Error if the lengths disagree or there is no data.
  void fit(const std::vector<space::Decision>& decisions, const std::vector<space::Arch>& x,
           const std::vector<std::vector<double>>& numeric, const std::vector<double>& y, Rng& rng);
  // Mean and standard deviation over trees.
  std::pair<double, double> predict(const space::Arch& a, const std::vector<double>& numeric = {}) const;
  // Each tree's prediction (an empirical predictive distribution: it may be bimodal where a
  // normal belief would put mass on values no tree supports).
  std::vector<double> predict_trees(const space::Arch& a, const std::vector<double>& numeric = {}) const;
  int trees() const { return static_cast<int>(trees_.size()); }
  bool fitted() const { return !trees_.empty(); }

 private:
  struct Feature {
    int decision = -1;  // one-hot: decision and choice; numeric: decision = -1
    int choice = 0;     // numeric: index into the numeric features
  };
  struct Node {
    int feature = -1;        // -1: leaf
    double threshold = 0;    // numeric features: yes when value <= threshold
    int yes = -1, no = -1;   // children (indices into the tree's nodes)
    double value = 0;        // leaf prediction
  };
  using Tree = std::vector<Node>;
  struct Data {
    const std::vector<space::Arch>& x;
    const std::vector<std::vector<double>>& numeric;
    const std::vector<double>& y;
  };

  bool goes_yes(const Node& n, const space::Arch& a, const std::vector<double>& numeric) const;
  int grow(Tree& tree, std::vector<int>& rows, int depth, const Data& data, Rng& rng);

  Options options_;
  std::vector<Feature> features_;
  size_t numeric_size_ = 0;
  std::vector<Tree> trees_;
};

}  // namespace hwnas::search
