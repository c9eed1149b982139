#pragma once
// Pareto dominance, non-dominated sorting (NSGA-II: fronts and crowding distance),
// hypervolume and "best under limits" over points of several objectives, each maximised or
// minimised. A point is one value per objective, in the order of the `objectives` list; only
// Objective::maximize is read by the numeric functions.
//
//   std::vector<search::Objective> obj = {{"accuracy", true}, {"latency_ms", false}};
//   std::vector<search::Point> pts = {{93.0, 20.0}, {90.0, 10.0}, {89.0, 15.0}};
//   search::pareto_front(pts, obj);                     // {0, 1}: {89, 15} is dominated by {90, 10}
//   search::hypervolume(pts, obj, {80.0, 30.0});        // area dominated, up to the reference
//   auto fronts = search::non_dominated_sort(pts, obj); // {{0, 1}, {2}}
//
// Trials: trial_points() reads the objectives' metrics of Ok trials; pareto_trials() and
// best_under() work on trial lists directly (Failed and Infeasible trials never count).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/search/strategy.h"

namespace hwnas::search {

using Point = std::vector<double>;

// a is at least as good as b in every objective and better in one.
bool dominates(const Point& a, const Point& b, const std::vector<Objective>& objectives);

// Indices of the non-dominated points, ascending. Equal points are all kept.
std::vector<size_t> pareto_front(const std::vector<Point>& points, const std::vector<Objective>& objectives);

// NSGA-II fast non-dominated sort (Deb et al. 2002): fronts[0] is the Pareto front, fronts[1]
// the front of what remains, and so on; every index appears once; each front ascending.
std::vector<std::vector<size_t>> non_dominated_sort(const std::vector<Point>& points,
                                                    const std::vector<Objective>& objectives);

// NSGA-II crowding distance of each member of `front` (indices into points), in the order of
// `front`: boundary points of any objective get +infinity, the others the sum over objectives
// of (next - previous neighbour) / (max - min) of that objective within the front.
std::vector<double> crowding_distance(const std::vector<Point>& points, const std::vector<size_t>& front);

// Volume of objective space dominated by the points and bounded by `reference` (a point worse
// than every point of interest in each objective). Points that are not strictly better than
// the reference in every objective add nothing. Exact for any number of objectives (2: sort
// and sweep, O(n log n); more: slicing along the last objective, O(n^(d-1) log n)).
// Throws if a point or the reference has the wrong number of values.
double hypervolume(const std::vector<Point>& points, const std::vector<Objective>& objectives, const Point& reference);

// Hypervolume improvement of single points over a fixed set: HV(front + p) - HV(front), the
// acquisition of the predictor-guided strategy, evaluated for thousands of candidates per ask.
// Two objectives: O(front) per point with no allocation (a walk along the staircase); more:
// the difference of two hypervolume() calls.
//
//   search::HypervolumeImprovement hvi(front_points, obj, reference);
//   double gain = hvi({94.0, 12.0});
class HypervolumeImprovement {
 public:
  HypervolumeImprovement(const std::vector<Point>& front, const std::vector<Objective>& objectives,
                         const Point& reference);
  double operator()(const Point& p) const;
  double base() const { return base_; }  // HV of the front itself

 private:
  std::vector<Objective> objectives_;
  Point reference_;
  std::vector<Point> front_;                       // as given (for d != 2)
  std::vector<std::pair<double, double>> stairs_;  // d == 2: minimised coordinates inside the box, by x
  double base_;
};

// The objectives' values of a trial; throws naming the trial id and the missing metric.
Point objective_point(const Trial& trial, const std::vector<Objective>& objectives);

// Indices (into trials) of the Ok trials that no other Ok trial dominates.
std::vector<size_t> pareto_trials(const std::vector<Trial>& trials, const std::vector<Objective>& objectives);

// A limit on a metric (inclusive bounds): value >= min and value <= max where given.
struct Limit {
  std::string metric;
  std::optional<double> min;
  std::optional<double> max;
};

// Index of the Ok trial that is best in `goal` among those within every limit (a trial
// without a limited metric is outside), or nullopt if none. Ties: the earliest trial.
std::optional<size_t> best_under(const std::vector<Trial>& trials, const Objective& goal,
                                 const std::vector<Limit>& limits = {});

}  // namespace hwnas::search
