#include "hwnas/report/recommendation.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::report {
namespace {

// EfficientNet-like: accuracy rises ever more slowly as latency grows.
const std::vector<Candidate> kFour = {{"b0", 77.1, 20}, {"b1", 79.1, 30}, {"b2", 80.1, 45}, {"b3", 81.6, 80}};

TEST(Recommend, MostAccurateWithinTheBudget) {
  EXPECT_EQ(recommend(kFour, 30.0).best_within_budget, 1u);  // at the budget counts as within
  EXPECT_EQ(recommend(kFour, 44.9).best_within_budget, 1u);
  EXPECT_EQ(recommend(kFour, 100.0).best_within_budget, 3u);
  EXPECT_EQ(recommend(kFour, std::nullopt).best_within_budget, 3u);  // no budget: the most accurate
  EXPECT_FALSE(recommend(kFour, 10.0).best_within_budget);           // none fits
}

TEST(Recommend, StepsPriceEachPointByHand) {
  const Recommendation r = recommend(kFour, 30.0);
  ASSERT_EQ(r.front, (std::vector<size_t>{0, 1, 2, 3}));
  ASSERT_EQ(r.steps.size(), 3u);
  // b0 -> b1: 10 ms for 2.0 points = 5 ms/point; b1 -> b2: 15 ms for 1.0 = 15; b2 -> b3: 35 ms for 1.5 = 23.33.
  EXPECT_NEAR(r.steps[0].ms_per_point, 5.0, 1e-9);
  EXPECT_NEAR(r.steps[1].ms, 15.0, 1e-9);
  EXPECT_NEAR(r.steps[1].points, 1.0, 1e-9);
  EXPECT_NEAR(r.steps[1].ms_per_point, 15.0, 1e-9);
  EXPECT_NEAR(r.steps[2].ms_per_point, 35.0 / 1.5, 1e-9);
}

TEST(Recommend, KneeIsFarthestAboveTheChordByHand) {
  // Scaled to [0, 1] over 20..80 ms and 77.1..81.6: b1 = (10/60, 2/4.5) = (0.167, 0.444), 0.278
  // above the diagonal; b2 = (25/60, 3/4.5) = (0.417, 0.667), 0.250 above. b1 is the knee.
  EXPECT_EQ(recommend(kFour, std::nullopt).knee, 1u);
  // A straight front has no knee, nor has one with two models.
  EXPECT_FALSE(recommend({{"a", 70, 10}, {"b", 75, 20}, {"c", 80, 30}}, std::nullopt).knee);
  EXPECT_FALSE(recommend({{"a", 70, 10}, {"b", 75, 20}}, std::nullopt).knee);
}

TEST(Recommend, DominatedModelsLeaveTheFront) {
  // c is slower and less accurate than b; d equals a (the first listed stands for both).
  const Recommendation r = recommend({{"a", 70, 10}, {"b", 80, 20}, {"c", 75, 25}, {"d", 70, 10}}, 22.0);
  EXPECT_EQ(r.front, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(r.best_within_budget, 1u);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_NEAR(r.steps[0].ms_per_point, 1.0, 1e-9);
}

TEST(Recommend, TiesWithinTheBudgetGoToTheFasterModel) {
  EXPECT_EQ(recommend({{"slow", 80, 20}, {"fast", 80, 12}}, 25.0).best_within_budget, 1u);
}

TEST(Recommend, DescribeSaysThePickTheKneeAndThePrices) {
  const std::string s = describe(recommend(kFour, 30.0), kFour);
  EXPECT_NE(s.find("Recommended: b1 (79.1% at 30 ms), the most accurate model within the 30 ms budget"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("Knee of the front: b1 (79.1% at 30 ms): a point of accuracy costs 5 ms up to it, 15 ms after it"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("b2 -> b3: +35 ms for +1.5 points = 23.33 ms per point"), std::string::npos) << s;
  EXPECT_NE(describe(recommend(kFour, 5.0), kFour).find("No model fits the 5 ms budget; the fastest is b0"),
            std::string::npos);
}

TEST(Recommend, RejectsNothingToCompare) {
  EXPECT_HWNAS_ERROR(recommend({}, std::nullopt), "no model to compare");
  EXPECT_HWNAS_ERROR(recommend({{"a", NAN, 1}}, std::nullopt), "model 'a'");
}

}  // namespace
}  // namespace hwnas::report
