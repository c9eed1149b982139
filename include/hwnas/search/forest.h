#pragma once
// search::Forest: a random forest of regression trees over architectures, the surrogate of
// the predictor-guided strategy. Features are the one-hot encoding of the arch's choices: a
// split asks "does decision d take choice c?", so no feature vector is ever materialised.
// Each tree is grown on a bootstrap sample of the data, trying a random fraction of the
// features at each node (Breiman 2001); the prediction is the mean over trees and the spread
// between trees (their standard deviation) is the uncertainty the acquisition function uses.
// Deterministic given the Rng.
//
//   search::Forest f({.trees = 20});
//   f.fit(space.decisions(), archs, accuracies, rng);
//   auto [mean, stddev] = f.predict(arch);
#include <utility>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/space/search_space.h"

namespace hwnas::search {

class Forest {
 public:
  struct Options {
    int trees = 20;
    int min_leaf = 2;                // fewest samples in a leaf
    int max_depth = 16;
    double feature_fraction = 0.5;   // of the one-hot features tried at each split
  };

  Forest() = default;
  explicit Forest(Options options) : options_(options) {}

  // Throws hwnas::Error if x and y differ in length or are empty.
  void fit(const std::vector<space::Decision>& decisions, const std::vector<space::Arch>& x,
           const std::vector<double>& y, Rng& rng);
  std::pair<double, double> predict(const space::Arch& a) const;  // mean and std over trees
  bool fitted() const { return !trees_.empty(); }

 private:
  struct Node {
    int decision = -1;  // -1: leaf
    int choice = 0;
    int yes = -1, no = -1;  // children (indices into the tree's nodes)
    double value = 0;       // leaf prediction
  };
  using Tree = std::vector<Node>;

  int grow(Tree& tree, std::vector<int>& rows, int depth, const std::vector<space::Arch>& x,
           const std::vector<double>& y, Rng& rng);

  Options options_;
  std::vector<std::pair<int, int>> features_;  // (decision, choice) of each one-hot feature
  std::vector<Tree> trees_;
};

}  // namespace hwnas::search
