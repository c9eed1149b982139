#pragma once
// report::recommend: which of a few models to pick, from their accuracy and latency alone, the
// answer to "which gives the best accuracy-to-latency trade-off on this device?". A pure
// function (no files, no metrics), so its picks are tested against hand calculations.
//
//   std::vector<report::Candidate> c = {{"b0", 77.1, 20}, {"b1", 79.1, 30}, {"b2", 80.1, 45}};
//   report::Recommendation r = report::recommend(c, /*budget_ms=*/40);
//   r.best_within_budget;   // 1: b1, the most accurate at or under 40 ms
//   r.knee;                 // 1: b1, where the front bends (see below)
//   r.steps[1].ms_per_point; // 15: b1 -> b2 costs 15 ms for 1.0 point
//
// The front: the models that no other model beats in both (at least as accurate and at least as
// fast, better in one), by latency. The knee: the front's model farthest above the straight
// line from its fastest to its most accurate model, both axes scaled to [0, 1] (Kneedle's
// rule: the point of diminishing returns). None when the front has fewer than three models or
// no model lies above that line (each step costs the same or less than the one before).
// Each step up the front: the extra ms, the extra accuracy points and their price in ms per point.
#include <optional>
#include <string>
#include <vector>

namespace hwnas::report {

struct Candidate {
  std::string model;
  double accuracy = 0;  // higher is better (e.g. top-1 in %)
  double latency_ms = 0;
};

struct Step {
  size_t from = 0, to = 0;  // indices into the candidates, consecutive on the front
  double ms = 0, points = 0, ms_per_point = 0;
};

struct Recommendation {
  std::vector<size_t> front;  // indices into the candidates, fastest first
  std::optional<double> budget_ms;
  // The most accurate model at or under the budget (the faster one on a tie; without a budget,
  // the most accurate model). nullopt: no model fits the budget.
  std::optional<size_t> best_within_budget;
  std::optional<size_t> knee;
  std::vector<Step> steps;  // front.size() - 1 of them
};

// Throws hwnas::Error when there is no candidate, or a value is not finite.
Recommendation recommend(const std::vector<Candidate>& candidates, std::optional<double> budget_ms);

// Plain-text summary: the pick within the budget, the knee and the price of each step, e.g.
// "within 30 ms: b1 (79.1 at 24 ms) ...". `unit` follows the accuracy ("%" or "").
std::string describe(const Recommendation& r, const std::vector<Candidate>& candidates, const std::string& unit = "%");

}  // namespace hwnas::report
