#include "hwnas/search/forest.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "search_testing.h"

namespace hwnas::search {
namespace {

TEST(Forest, LearnsOneHotAndNumericEffects) {
  // y = 10 if decision 1 takes choice 2, plus 5 if the numeric feature is above 0.5: a tree
  // can represent it exactly, so every tree of the forest predicts the training targets.
  testing::ToySpace space(3, 3);
  std::vector<space::Arch> x = space.enumerate();
  std::vector<std::vector<double>> numeric;
  std::vector<double> y;
  Rng rng(1);
  for (const auto& a : x) {
    double u = rng.uniform();
    numeric.push_back({u});
    y.push_back((a.choice[1] == 2 ? 10 : 0) + (u > 0.5 ? 5 : 0));
  }
  Forest f({.trees = 10, .min_leaf = 1, .max_depth = 20, .feature_fraction = 1.0});
  f.fit(space.decisions(), x, numeric, y, rng);
  EXPECT_EQ(f.trees(), 10);
  // Unseen feature values on each side of the threshold: bootstraps may place it anywhere in
  // the gap between the training values nearest 0.5, so stay clear of it.
  auto [m1, s1] = f.predict(x[0], {0.95});
  EXPECT_NEAR(m1, x[0].choice[1] == 2 ? 15 : 5, 1e-9);
  EXPECT_NEAR(s1, 0, 1e-9);
  space::Arch a = x[0];
  a.choice[1] = 2;
  EXPECT_NEAR(f.predict(a, {0.02}).first, 10, 1e-9);
  EXPECT_EQ(f.predict_trees(a, {0.02}).size(), 10u);
}

TEST(Forest, SpreadBetweenTreesWhereDataDisagree) {
  // Two identical archs with different targets (noise): bootstraps differ, so trees differ.
  testing::ToySpace space(1, 2);
  std::vector<space::Arch> x(6, space::Arch{{0}});
  std::vector<std::vector<double>> numeric(6);
  std::vector<double> y = {0, 10, 0, 10, 0, 10};
  Rng rng(3);
  Forest f({.trees = 50});
  f.fit(space.decisions(), x, numeric, y, rng);
  auto [mean, sd] = f.predict(x[0]);
  EXPECT_NEAR(mean, 5, 1.5);
  EXPECT_GT(sd, 0.5);
}

TEST(Forest, Errors) {
  testing::ToySpace space(1, 2);
  Rng rng(0);
  Forest f;
  EXPECT_HWNAS_ERROR(f.predict(space::Arch{{0}}), "predict() before fit()");
  EXPECT_HWNAS_ERROR(f.fit(space.decisions(), {}, {}, {}, rng), "at least one architecture (got 0 archs");
  EXPECT_HWNAS_ERROR(f.fit(space.decisions(), {space::Arch{{0}}}, {{}}, {1.0, 2.0}, rng), "got 1 archs, 1 feature vectors, 2 targets");
  f.fit(space.decisions(), {space::Arch{{0}}}, {{1.0}}, {1.0}, rng);
  EXPECT_HWNAS_ERROR(f.predict(space::Arch{{0}}), "predict() got 0 numeric features, fit() had 1");
}

}  // namespace
}  // namespace hwnas::search
