// Pareto dominance, NSGA-II sorting and exact hypervolume. Internally every objective is
// turned into one to minimise (maximised values are negated) so each algorithm is written once.
#include "hwnas/search/pareto.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "hwnas/core/error.h"

namespace hwnas::search {
namespace {

// The value of objective k of p as a quantity to minimise.
double cost(const Point& p, size_t k, const std::vector<Objective>& objectives) {
  return objectives[k].maximize ? -p[k] : p[k];
}

void check_size(const Point& p, const std::vector<Objective>& objectives, const char* what) {
  if (p.size() != objectives.size())
    fail("pareto", "{} has {} values but there are {} objectives", what, p.size(), objectives.size());
}

// Hypervolume of points (all strictly below ref) of dimension d, minimising.
double hv_min(std::vector<Point> pts, const Point& ref, size_t d) {
  if (pts.empty()) return 0;
  if (d == 1) {
    double best = ref[0];
    for (const Point& p : pts) best = std::min(best, p[0]);
    return ref[0] - best;
  }
  if (d == 2) {  // sweep in x; each point adds the strip its y improves on the best so far
    std::sort(pts.begin(), pts.end());
    double area = 0, best_y = ref[1];
    for (const Point& p : pts) {
      if (p[1] < best_y) {
        area += (ref[0] - p[0]) * (best_y - p[1]);
        best_y = p[1];
      }
    }
    return area;
  }
  // Slice along the last objective: between consecutive levels the dominated region is the
  // (d-1)-dimensional hypervolume of the points at or below the level.
  std::sort(pts.begin(), pts.end(), [d](const Point& a, const Point& b) { return a[d - 1] < b[d - 1]; });
  double volume = 0;
  std::vector<Point> below;
  for (size_t i = 0; i < pts.size(); ++i) {
    below.push_back(pts[i]);
    double next = i + 1 < pts.size() ? pts[i + 1][d - 1] : ref[d - 1];
    if (next > pts[i][d - 1]) volume += hv_min(below, ref, d - 1) * (next - pts[i][d - 1]);
  }
  return volume;
}

}  // namespace

bool dominates(const Point& a, const Point& b, const std::vector<Objective>& objectives) {
  bool better = false;
  for (size_t k = 0; k < objectives.size(); ++k) {
    double ca = cost(a, k, objectives), cb = cost(b, k, objectives);
    if (ca > cb) return false;
    if (ca < cb) better = true;
  }
  return better;
}

std::vector<size_t> pareto_front(const std::vector<Point>& points, const std::vector<Objective>& objectives) {
  std::vector<size_t> front;
  for (size_t i = 0; i < points.size(); ++i) {
    check_size(points[i], objectives, "a point");
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j)
      dominated = j != i && dominates(points[j], points[i], objectives);
    if (!dominated) front.push_back(i);
  }
  return front;
}

std::vector<std::vector<size_t>> non_dominated_sort(const std::vector<Point>& points,
                                                    const std::vector<Objective>& objectives) {
  const size_t n = points.size();
  for (const Point& p : points) check_size(p, objectives, "a point");
  std::vector<std::vector<size_t>> dominated_by_me(n);
  std::vector<int> dominators(n, 0);
  std::vector<std::vector<size_t>> fronts(1);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (dominates(points[i], points[j], objectives)) dominated_by_me[i].push_back(j);
      else if (dominates(points[j], points[i], objectives)) ++dominators[i];
    }
    if (dominators[i] == 0) fronts[0].push_back(i);
  }
  while (!fronts.back().empty()) {
    std::vector<size_t> next;
    for (size_t i : fronts.back())
      for (size_t j : dominated_by_me[i])
        if (--dominators[j] == 0) next.push_back(j);
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(next));
  }
  fronts.pop_back();
  return fronts;
}

std::vector<double> crowding_distance(const std::vector<Point>& points, const std::vector<size_t>& front) {
  const size_t n = front.size();
  std::vector<double> distance(n, 0.0);
  if (n == 0) return distance;
  const double inf = std::numeric_limits<double>::infinity();
  const size_t m = points[front[0]].size();
  std::vector<size_t> order(n);
  for (size_t k = 0; k < m; ++k) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return points[front[a]][k] < points[front[b]][k]; });
    double lo = points[front[order.front()]][k], hi = points[front[order.back()]][k];
    distance[order.front()] = distance[order.back()] = inf;
    if (hi <= lo) continue;
    for (size_t r = 1; r + 1 < n; ++r)
      distance[order[r]] += (points[front[order[r + 1]]][k] - points[front[order[r - 1]]][k]) / (hi - lo);
  }
  return distance;
}

double hypervolume(const std::vector<Point>& points, const std::vector<Objective>& objectives, const Point& reference) {
  check_size(reference, objectives, "the reference point");
  const size_t d = objectives.size();
  if (d == 0) fail("pareto", "hypervolume needs at least one objective");
  Point ref(d);
  for (size_t k = 0; k < d; ++k) ref[k] = cost(reference, k, objectives);
  std::vector<Point> inside;
  for (const Point& p : points) {
    check_size(p, objectives, "a point");
    Point c(d);
    bool below = true;
    for (size_t k = 0; k < d; ++k) {
      c[k] = cost(p, k, objectives);
      below = below && c[k] < ref[k];
    }
    if (below) inside.push_back(std::move(c));
  }
  return hv_min(std::move(inside), ref, d);
}

HypervolumeImprovement::HypervolumeImprovement(const std::vector<Point>& front,
                                               const std::vector<Objective>& objectives, const Point& reference)
    : objectives_(objectives), reference_(reference), front_(front), base_(hypervolume(front, objectives, reference)) {
  if (objectives.size() != 2) return;
  const double rx = cost(reference, 0, objectives), ry = cost(reference, 1, objectives);
  for (const Point& p : front) {
    double x = cost(p, 0, objectives), y = cost(p, 1, objectives);
    if (x < rx && y < ry) stairs_.emplace_back(x, y);
  }
  std::sort(stairs_.begin(), stairs_.end());
}

double HypervolumeImprovement::operator()(const Point& p) const {
  check_size(p, objectives_, "a point");
  if (objectives_.size() != 2) {
    std::vector<Point> with = front_;
    with.push_back(p);
    return hypervolume(with, objectives_, reference_) - base_;
  }
  // Minimising: the new area is the integral over x in [px, rx) of max(0, s(x) - py), where
  // s(x) is the lowest y of the front at or left of x (ry where there is none).
  const double rx = cost(reference_, 0, objectives_), ry = cost(reference_, 1, objectives_);
  const double px = cost(p, 0, objectives_), py = cost(p, 1, objectives_);
  if (px >= rx || py >= ry) return 0;
  double s = ry, x = px, gain = 0;
  for (const auto& [fx, fy] : stairs_) {
    if (s <= py) return gain;
    if (fx > px) {
      gain += (fx - x) * (s - py);
      x = fx;
    }
    s = std::min(s, fy);
  }
  if (s > py) gain += (rx - x) * (s - py);
  return gain;
}

Point objective_point(const Trial& trial, const std::vector<Objective>& objectives) {
  Point p;
  p.reserve(objectives.size());
  for (const Objective& o : objectives) {
    auto it = trial.metrics.find(o.metric);
    if (it == trial.metrics.end())
      fail(fmt::format("trial {} ({})", trial.id, trial.arch_str), "has no value for objective '{}'", o.metric);
    p.push_back(it->second);
  }
  return p;
}

std::vector<size_t> pareto_trials(const std::vector<Trial>& trials, const std::vector<Objective>& objectives) {
  std::vector<size_t> ok;
  std::vector<Point> points;
  for (size_t i = 0; i < trials.size(); ++i) {
    if (trials[i].status != TrialStatus::Ok) continue;
    ok.push_back(i);
    points.push_back(objective_point(trials[i], objectives));
  }
  std::vector<size_t> front;
  for (size_t i : pareto_front(points, objectives)) front.push_back(ok[i]);
  return front;
}

std::optional<size_t> best_under(const std::vector<Trial>& trials, const Objective& goal,
                                 const std::vector<Limit>& limits) {
  std::optional<size_t> best;
  double best_value = 0;
  for (size_t i = 0; i < trials.size(); ++i) {
    const Trial& t = trials[i];
    if (t.status != TrialStatus::Ok) continue;
    bool within = true;
    for (const Limit& l : limits) {
      auto it = t.metrics.find(l.metric);
      within = within && it != t.metrics.end() && (!l.min || it->second >= *l.min) && (!l.max || it->second <= *l.max);
    }
    auto it = t.metrics.find(goal.metric);
    if (!within || it == t.metrics.end()) continue;
    double v = goal.maximize ? it->second : -it->second;
    if (!best || v > best_value) {
      best = i;
      best_value = v;
    }
  }
  return best;
}

}  // namespace hwnas::search
