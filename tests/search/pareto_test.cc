#include "hwnas/search/pareto.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::search {
namespace {

const std::vector<Objective> kAccLat = {{"accuracy", true}, {"latency_ms", false}};
// A(93,20) B(90,10) C(89,15) D(95,30) E(80,5) F(85,25): C is dominated by B (more accurate and
// faster); F by A, B and C; nothing else is dominated.
const std::vector<Point> kPts = {{93, 20}, {90, 10}, {89, 15}, {95, 30}, {80, 5}, {85, 25}};

TEST(Pareto, Dominance) {
  EXPECT_TRUE(dominates({90, 10}, {89, 15}, kAccLat));
  EXPECT_FALSE(dominates({89, 15}, {90, 10}, kAccLat));
  EXPECT_FALSE(dominates({93, 20}, {95, 30}, kAccLat));  // a trade-off: neither dominates
  EXPECT_FALSE(dominates({95, 30}, {93, 20}, kAccLat));
  EXPECT_FALSE(dominates({90, 10}, {90, 10}, kAccLat));  // equal points do not dominate
  EXPECT_TRUE(dominates({90, 9}, {90, 10}, kAccLat));    // equal in one, better in the other
}

TEST(Pareto, FrontOfHandExample) {
  EXPECT_EQ(pareto_front(kPts, kAccLat), (std::vector<size_t>{0, 1, 3, 4}));
  // Duplicates of a front point are all on the front.
  EXPECT_EQ(pareto_front({{1, 1}, {1, 1}, {0, 2}}, kAccLat), (std::vector<size_t>{0, 1}));
}

TEST(Pareto, NonDominatedSortGivesNsga2Fronts) {
  // F0 = {A, B, D, E}; removing it leaves C and F, where C dominates F: F1 = {C}, F2 = {F}.
  auto fronts = non_dominated_sort(kPts, kAccLat);
  ASSERT_EQ(fronts.size(), 3u);
  EXPECT_EQ(fronts[0], (std::vector<size_t>{0, 1, 3, 4}));
  EXPECT_EQ(fronts[1], (std::vector<size_t>{2}));
  EXPECT_EQ(fronts[2], (std::vector<size_t>{5}));
}

TEST(Pareto, CrowdingDistanceByHand) {
  // Front {A, B, D, E}. Accuracy sorted E80 B90 A93 D95 (range 15); latency E5 B10 A20 D30
  // (range 25). E and D are boundaries (inf). B: (93-80)/15 + (20-5)/25 = 0.8667 + 0.6.
  // A: (95-90)/15 + (30-10)/25 = 0.3333 + 0.8.
  auto cd = crowding_distance(kPts, {0, 1, 3, 4});
  ASSERT_EQ(cd.size(), 4u);
  EXPECT_NEAR(cd[0], 5.0 / 15 + 20.0 / 25, 1e-12);
  EXPECT_NEAR(cd[1], 13.0 / 15 + 15.0 / 25, 1e-12);
  EXPECT_TRUE(std::isinf(cd[2]));
  EXPECT_TRUE(std::isinf(cd[3]));
}

TEST(Pareto, Hypervolume2dByHand) {
  // Reference (acc 70, lat 40). Sweeping latency upwards, the best accuracy reached so far:
  // lat 5..10: E 80 -> (80-70)*5 = 50;  10..20: B 90 -> 20*10 = 200;
  // 20..30: A 93 -> 23*10 = 230;        30..40: D 95 -> 25*10 = 250.   Total 730.
  EXPECT_DOUBLE_EQ(hypervolume(kPts, kAccLat, {70, 40}), 730.0);
  // A point outside the reference box (latency 50 > 40) adds nothing.
  auto more = kPts;
  more.push_back({99, 50});
  EXPECT_DOUBLE_EQ(hypervolume(more, kAccLat, {70, 40}), 730.0);
  EXPECT_DOUBLE_EQ(hypervolume({}, kAccLat, {70, 40}), 0.0);
}

TEST(Pareto, Hypervolume3dByHand) {
  const std::vector<Objective> mins = {{"a", false}, {"b", false}, {"c", false}};
  EXPECT_DOUBLE_EQ(hypervolume({{0.5, 0.5, 0.5}}, mins, {1, 1, 1}), 0.125);
  // Boxes [0,1]x[0,1]x[0.5,1] (0.5) and [0.5,1]x[0.5,1]x[0,1] (0.25) overlap in
  // [0.5,1]^2 x [0.5,1] (0.125): union 0.625.
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 0.5}, {0.5, 0.5, 0}}, mins, {1, 1, 1}), 0.625);
}

TEST(Pareto, HypervolumeMatchesCellCounting) {
  // Independent reference: on integer points in [0,8)^d with reference 8 (all minimised), the
  // hypervolume is the number of unit cells whose lower corner some point dominates weakly.
  for (size_t d : {2u, 3u, 4u}) {
    std::vector<Objective> mins(d, Objective{"m", false});
    Rng rng(d);
    for (int rep = 0; rep < 5; ++rep) {
      std::vector<Point> pts(6, Point(d));
      for (auto& p : pts)
        for (auto& v : p) v = rng.uniform_int(8);
      int cells = 0, total = 1;
      for (size_t k = 0; k < d; ++k) total *= 8;
      for (int c = 0; c < total; ++c) {
        Point corner(d);
        for (size_t k = 0, x = c; k < d; ++k, x /= 8) corner[k] = x % 8;
        bool covered = false;
        for (const auto& p : pts) {
          bool le = true;
          for (size_t k = 0; k < d; ++k) le = le && p[k] <= corner[k];
          covered = covered || le;
        }
        cells += covered;
      }
      EXPECT_DOUBLE_EQ(hypervolume(pts, mins, Point(d, 8.0)), cells) << "d=" << d << " rep=" << rep;
    }
  }
}

TEST(Pareto, HypervolumeImprovementByHand) {
  // Front {A, B, D, E} of the hand example has HV 730 at reference (70, 40). Adding (92, 8)
  // beats B (90, 10) and E's strip: sweeping latency, lat 8..10 now reaches 92 instead of 80
  // (+12 * 2 = 24), 10..20 reaches 92 instead of 90 (+2 * 10 = 20): improvement 44.
  HypervolumeImprovement hvi({{93, 20}, {90, 10}, {95, 30}, {80, 5}}, kAccLat, {70, 40});
  EXPECT_DOUBLE_EQ(hvi.base(), 730.0);
  EXPECT_DOUBLE_EQ(hvi({92, 8}), 44.0);
  EXPECT_DOUBLE_EQ(hvi({89, 15}), 0.0);   // dominated
  EXPECT_DOUBLE_EQ(hvi({99, 45}), 0.0);   // outside the reference box
  EXPECT_DOUBLE_EQ(hvi({99, 30}), 40.0);  // lat 30..40 reaches 99 instead of 95: 4 * 10
}

TEST(Pareto, HypervolumeImprovementMatchesDifferenceOfHypervolumes) {
  for (size_t d : {2u, 3u}) {
    std::vector<Objective> obj = {{"a", true}, {"b", false}, {"c", false}};
    obj.resize(d);
    Rng rng(11 + d);
    auto random_point = [&] {
      Point p(d);
      for (auto& v : p) v = rng.uniform() * 10;
      return p;
    };
    std::vector<Point> pts;
    for (int i = 0; i < 12; ++i) pts.push_back(random_point());
    std::vector<Point> front;
    for (size_t i : pareto_front(pts, obj)) front.push_back(pts[i]);
    Point ref = {0, 10, 10};
    ref.resize(d);
    HypervolumeImprovement hvi(front, obj, ref);
    for (int i = 0; i < 200; ++i) {
      Point p = random_point();
      auto with = front;
      with.push_back(p);
      EXPECT_NEAR(hvi(p), hypervolume(with, obj, ref) - hypervolume(front, obj, ref), 1e-9);
    }
  }
}

TEST(Pareto, SizeMismatchIsAnError) {
  EXPECT_HWNAS_ERROR((hypervolume({{1, 2, 3}}, kAccLat, {0, 0})), "3 values but there are 2 objectives");
  EXPECT_HWNAS_ERROR((hypervolume({{1, 2}}, kAccLat, {0})), "reference point has 1 values");
  EXPECT_HWNAS_ERROR((pareto_front({{1}}, kAccLat)), "1 values but there are 2");
}

Trial trial(int64_t id, double acc, double lat, TrialStatus status = TrialStatus::Ok) {
  Trial t;
  t.id = id;
  t.arch_str = "a" + std::to_string(id);
  t.metrics = {{"accuracy", acc}, {"latency_ms", lat}};
  t.status = status;
  return t;
}

TEST(Pareto, TrialsFrontAndBestUnder) {
  std::vector<Trial> ts = {trial(0, 93, 20), trial(1, 90, 10), trial(2, 89, 15), trial(3, 99, 1, TrialStatus::Failed),
                           trial(4, 95, 30)};
  // The failed trial would dominate everything but never counts.
  EXPECT_EQ(pareto_trials(ts, kAccLat), (std::vector<size_t>{0, 1, 4}));
  EXPECT_EQ(best_under(ts, {"accuracy", true}), 4u);
  EXPECT_EQ(best_under(ts, {"accuracy", true}, {{"latency_ms", std::nullopt, 20.0}}), 0u);  // <= inclusive
  EXPECT_EQ(best_under(ts, {"latency_ms", false}, {{"accuracy", 91.0, std::nullopt}}), 0u);
  EXPECT_EQ(best_under(ts, {"accuracy", true}, {{"latency_ms", std::nullopt, 5.0}}), std::nullopt);
  EXPECT_EQ(best_under(ts, {"accuracy", true}, {{"energy", std::nullopt, 5.0}}), std::nullopt);
}

TEST(Pareto, MissingObjectiveNamesTrialAndMetric) {
  Trial t = trial(7, 90, 10);
  t.metrics.erase("latency_ms");
  EXPECT_HWNAS_ERROR(objective_point(t, kAccLat), "trial 7 (a7): has no value for objective 'latency_ms'");
  EXPECT_HWNAS_ERROR((pareto_trials({t}, kAccLat)), "latency_ms");
}

}  // namespace
}  // namespace hwnas::search
