#include "hwnas/report/recommendation.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::report {

namespace {

bool dominates(const Candidate& a, const Candidate& b) {
  return a.accuracy >= b.accuracy && a.latency_ms <= b.latency_ms &&
         (a.accuracy > b.accuracy || a.latency_ms < b.latency_ms);
}

std::string fmt_g(double v) { return fmt::format("{:.4g}", v); }

}  // namespace

Recommendation recommend(const std::vector<Candidate>& c, std::optional<double> budget_ms) {
  if (c.empty()) fail("recommend", "no model to compare (every trial failed?)");
  for (const Candidate& x : c)
    if (!std::isfinite(x.accuracy) || !std::isfinite(x.latency_ms))
      fail("recommend", "model '{}' has no finite accuracy and latency", x.model);
  Recommendation r;
  r.budget_ms = budget_ms;

  for (size_t i = 0; i < c.size(); ++i) {
    bool beaten = false;
    for (size_t j = 0; j < c.size() && !beaten; ++j)
      // Two models with equal figures: the first listed stands for both.
      beaten = dominates(c[j], c[i]) || (j < i && c[j].accuracy == c[i].accuracy && c[j].latency_ms == c[i].latency_ms);
    if (!beaten) r.front.push_back(i);
  }
  std::stable_sort(r.front.begin(), r.front.end(),
                   [&](size_t a, size_t b) { return c[a].latency_ms < c[b].latency_ms; });

  for (size_t i = 0; i < c.size(); ++i) {
    if (budget_ms && c[i].latency_ms > *budget_ms) continue;
    if (!r.best_within_budget) {
      r.best_within_budget = i;
      continue;
    }
    const Candidate& b = c[*r.best_within_budget];
    if (c[i].accuracy > b.accuracy || (c[i].accuracy == b.accuracy && c[i].latency_ms < b.latency_ms))
      r.best_within_budget = i;
  }

  for (size_t k = 0; k + 1 < r.front.size(); ++k) {
    const Candidate &a = c[r.front[k]], &b = c[r.front[k + 1]];
    const double ms = b.latency_ms - a.latency_ms, points = b.accuracy - a.accuracy;
    r.steps.push_back({r.front[k], r.front[k + 1], ms, points, ms / points});
  }

  if (r.front.size() >= 3) {
    const Candidate &lo = c[r.front.front()], &hi = c[r.front.back()];
    const double dx = hi.latency_ms - lo.latency_ms, dy = hi.accuracy - lo.accuracy;
    double best = 0;
    for (size_t k = 1; k + 1 < r.front.size(); ++k) {
      const Candidate& p = c[r.front[k]];
      const double above = (p.accuracy - lo.accuracy) / dy - (p.latency_ms - lo.latency_ms) / dx;
      if (above > best) best = above, r.knee = r.front[k];
    }
  }
  return r;
}

std::string describe(const Recommendation& r, const std::vector<Candidate>& c, const std::string& unit) {
  const auto fig = [&](size_t i) {
    return fmt::format("{} ({}{} at {} ms)", c[i].model, fmt_g(c[i].accuracy), unit, fmt_g(c[i].latency_ms));
  };
  std::string s;
  if (r.best_within_budget)
    s += fmt::format("Recommended: {}, the most accurate model {}.\n", fig(*r.best_within_budget),
                     r.budget_ms ? fmt::format("within the {} ms budget", fmt_g(*r.budget_ms)) : "(no latency budget)");
  else
    s += fmt::format("No model fits the {} ms budget; the fastest is {}.\n", fmt_g(*r.budget_ms), fig(r.front.front()));
  if (r.knee) {
    s += fmt::format("Knee of the front: {}", fig(*r.knee));
    const auto before = std::find_if(r.steps.begin(), r.steps.end(), [&](const Step& x) { return x.to == *r.knee; });
    const auto after = std::find_if(r.steps.begin(), r.steps.end(), [&](const Step& x) { return x.from == *r.knee; });
    if (before != r.steps.end() && after != r.steps.end())
      s += fmt::format(": a point of accuracy costs {} ms up to it, {} ms after it", fmt_g(before->ms_per_point),
                       fmt_g(after->ms_per_point));
    s += ".\n";
  } else {
    s +=
        r.front.size() < 3
            ? "Knee: none (fewer than three models on the front).\n"
            : "Knee: none (the front does not bend: no model lies above the line from the fastest to the most accurate).\n";
  }
  for (const Step& x : r.steps)
    s += fmt::format("  {} -> {}: +{} ms for +{} point{} = {} ms per point\n", c[x.from].model, c[x.to].model,
                     fmt_g(x.ms), fmt_g(x.points), x.points == 1 ? "" : "s", fmt_g(x.ms_per_point));
  return s;
}

}  // namespace hwnas::report
