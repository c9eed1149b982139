#include "hwnas/data/accuracy.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::data {
namespace {

TEST(Accuracy, TalliesByHand) {
  Accuracy a({"cat", "dog", "fox"});
  // (label, predicted): cat right twice, cat as fox once, dog right, fox as dog. No class empty.
  for (auto [t, p] : {std::pair{0, 0}, {0, 0}, {0, 2}, {1, 1}, {2, 1}}) a.add(t, p);
  EXPECT_EQ(a.examples(), 5);
  EXPECT_EQ(a.correct(), 3);
  EXPECT_DOUBLE_EQ(a.top1(), 60.0);  // 3 / 5
  const std::vector<double> pc = a.per_class();
  EXPECT_NEAR(pc[0], 200.0 / 3, 1e-12);  // 2 of 3 cats
  EXPECT_DOUBLE_EQ(pc[1], 100.0);
  EXPECT_DOUBLE_EQ(pc[2], 0.0);
  const std::vector<std::vector<int64_t>> want = {{2, 0, 1}, {0, 1, 0}, {0, 1, 0}};
  EXPECT_EQ(a.confusion, want);
  EXPECT_EQ(a.class_examples(0), 3);
}

TEST(Accuracy, EmptyClassesAndMerge) {
  Accuracy a({"a", "b"}), b({"a", "b"});
  EXPECT_DOUBLE_EQ(a.top1(), 0.0);
  a.add(0, 0);
  EXPECT_TRUE(std::isnan(a.per_class()[1]));
  b.add(1, 0);
  a.merge(b);
  EXPECT_DOUBLE_EQ(a.top1(), 50.0);
  EXPECT_DOUBLE_EQ(a.per_class()[1], 0.0);
  EXPECT_HWNAS_ERROR(a.merge(Accuracy({"a"})), "different classes (2 and 1 classes)");
}

TEST(Accuracy, OutOfRangeIsAnError) {
  Accuracy a({"a", "b"});
  EXPECT_HWNAS_ERROR(a.add(2, 0), "label 2 is out of range 0..1 (2 classes)");
  EXPECT_HWNAS_ERROR(a.add(0, -1), "prediction -1 is out of range 0..1");
}

TEST(Accuracy, ArgmaxTakesTheFirstOfTiesAndSkipsNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(argmax(std::vector<float>{1, 3, 3, 2}), 1);
  EXPECT_EQ(argmax(std::vector<float>{nan, -5, -7}), 1);
  EXPECT_EQ(argmax(std::vector<float>{nan, nan}), 0);
  EXPECT_EQ(argmax(std::vector<float>{}), -1);
}

}  // namespace
}  // namespace hwnas::data
