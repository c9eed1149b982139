// data::accuracy_of against counts done by hand.
#include "hwnas/data/accuracy.h"

#include <gtest/gtest.h>

#include <cmath>

#include "hwnas/core/error.h"

namespace hwnas::data {
namespace {

// labels 0 0 1 1 1 2, predicted 0 1 1 1 0 1: correct 0,1,1 -> 3 of 6; class 0: 1/2, class 1: 2/3,
// class 2: 0/1.
TEST(Accuracy, TopOnePerClassAndConfusionByHand) {
  const std::vector<int> labels = {0, 0, 1, 1, 1, 2}, predicted = {0, 1, 1, 1, 0, 1};
  const Accuracy a = accuracy_of(labels, predicted, 4);
  EXPECT_EQ(a.examples, 6);
  EXPECT_EQ(a.correct, 3);
  EXPECT_DOUBLE_EQ(a.top1, 50.0);
  EXPECT_DOUBLE_EQ(a.per_class[0], 50.0);
  EXPECT_DOUBLE_EQ(a.per_class[1], 200.0 / 3);
  EXPECT_DOUBLE_EQ(a.per_class[2], 0.0);
  EXPECT_TRUE(std::isnan(a.per_class[3]));  // no example of class 3
  const std::vector<std::vector<int64_t>> want = {{1, 1, 0, 0}, {1, 2, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}};
  EXPECT_EQ(a.confusion, want);
}

TEST(Accuracy, BadInputIsAnError) {
  const std::vector<int> two = {0, 1}, one = {0}, out_of_range = {0, 5};
  EXPECT_THROW(accuracy_of(two, one, 2), Error);
  EXPECT_THROW(accuracy_of(two, out_of_range, 2), Error);
}

}  // namespace
}  // namespace hwnas::data
