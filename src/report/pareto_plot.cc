#include "hwnas/report/pareto_plot.h"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/report/metric_label.h"
#include "hwnas/report/svg_plot.h"
#include "hwnas/search/pareto.h"

namespace hwnas::report {
namespace {

// Colours: muted slate for ordinary trials so the red front stands out; constraints in ink
// (hard) or amber (soft), their infeasible side tinted the same way.
const Style kTrial{.fill = "#7b8ea3", .stroke = "none", .stroke_width = 1, .dash = "", .opacity = 0.75, .radius = 3};
const Style kInfeasible{
    .fill = "#ffffff", .stroke = "#c9a3a0", .stroke_width = 1, .dash = "", .opacity = 1, .radius = 3};
const Style kFront{.fill = "#d1495b", .stroke = "#7a1f2b", .stroke_width = 1, .dash = "", .opacity = 1, .radius = 4.5};
const Style kFrontLine{.fill = "none", .stroke = "#d1495b", .stroke_width = 2, .dash = "", .opacity = 1, .radius = 0};
const Style kHard{
    .fill = "#d1495b", .stroke = "#3c4650", .stroke_width = 1.5, .dash = "6 4", .opacity = 0.07, .radius = 0};
const Style kSoft{
    .fill = "#f0a030", .stroke = "#b7791f", .stroke_width = 1.5, .dash = "2 3", .opacity = 0.08, .radius = 0};

std::optional<bool> maximize(const ExperimentOutput& out, const std::string& metric) {
  for (const auto& o : out.objectives)
    if (o.metric == metric) return o.maximize;
  return std::nullopt;
}

bool has_metric(const ExperimentOutput& out, const std::string& m) {
  return std::find(out.metrics.begin(), out.metrics.end(), m) != out.metrics.end();
}

std::string tooltip(const search::Trial& t, const PlotAxes& axes, bool on_front) {
  std::string s =
      fmt::format("trial {}{}\n{}\n{} = {}\n{} = {}", t.id, on_front ? " (Pareto front)" : "", t.arch_str, axes.x,
                  core::format_number(t.metrics.at(axes.x)), axes.y, core::format_number(t.metrics.at(axes.y)));
  if (t.penalty > 0) s += "\npenalty = " + core::format_number(t.penalty);
  if (!t.error.empty()) s += "\n" + t.error;
  return s;
}

// The smallest and largest x (or y) over the point sets and `also`.
std::pair<double, double> value_range(const std::vector<const std::vector<PlotPoint>*>& sets, bool x, double also) {
  double lo = also, hi = also;
  for (const auto* set : sets)
    for (const auto& p : *set) lo = std::min(lo, x ? p.x : p.y), hi = std::max(hi, x ? p.x : p.y);
  return {lo, hi};
}

}  // namespace

std::vector<PlotAxes> default_plot_axes(const ExperimentOutput& out) {
  std::vector<PlotAxes> axes;
  const auto& obj = out.objectives;
  for (size_t i = 0; i < obj.size(); ++i)
    for (size_t j = i + 1; j < obj.size(); ++j) {
      const bool swap = obj[i].maximize && !obj[j].maximize;  // put the minimised one on x
      axes.push_back(swap ? PlotAxes{obj[j].metric, obj[i].metric} : PlotAxes{obj[i].metric, obj[j].metric});
    }
  if (obj.size() == 1) {
    std::vector<std::string> candidates;
    for (const auto& c : out.constraints) candidates.push_back(c.metric);
    candidates.insert(candidates.end(), out.metrics.begin(), out.metrics.end());
    for (const auto& m : candidates)
      if (m != obj[0].metric) return {{m, obj[0].metric}};
  }
  return axes;
}

ParetoPlot pareto_plot(const ExperimentOutput& out, const PlotAxes& axes, int width, int height) {
  for (const std::string* m : {&axes.x, &axes.y})
    if (!has_metric(out, *m))
      fail("plot " + axes.y + " vs " + axes.x, "'{}' is not a metric of this run (metrics: {})", *m,
           fmt::join(out.metrics, ", "));

  const std::set<size_t> front(out.front.begin(), out.front.end());
  std::vector<PlotPoint> ok, infeasible, front_points;
  std::vector<size_t> front_members;  // trial indices, in the order of front_points
  int without_values = 0;
  for (size_t i = 0; i < out.trials.size(); ++i) {
    const search::Trial& t = out.trials[i];
    // Failed trials have no values; pruned ones only values at a lower fidelity.
    if (t.status == search::TrialStatus::Failed || t.status == search::TrialStatus::Pruned) continue;
    if (!t.metrics.count(axes.x) || !t.metrics.count(axes.y)) {
      ++without_values;
      continue;
    }
    const bool on_front = front.count(i) > 0;
    PlotPoint p{t.metrics.at(axes.x), t.metrics.at(axes.y), tooltip(t, axes, on_front)};
    // Models compared: a few points, each named (more would only overwrite one another).
    if (out.comparison && out.trials.size() <= 20) p.label = t.arch_str;
    if (on_front) front_points.push_back(p), front_members.push_back(i);
    else if (t.status == search::TrialStatus::Infeasible) infeasible.push_back(p);
    else ok.push_back(p);
  }
  const size_t plotted = ok.size() + infeasible.size() + front_points.size();
  if (plotted == 0) return {"", fmt::format("No trial has values for both {} and {} yet.", axes.x, axes.y)};

  SvgPlot plot(metric_label(axes.x), metric_label(axes.y), width, height);
  std::vector<std::string> drawn;
  for (const auto& c : out.constraints) {
    const bool on_x = c.metric == axes.x, on_y = c.metric == axes.y;
    if (!on_x && !on_y) continue;
    const Side bad = c.is_max ? Side::above : Side::below;
    // Leave a visible strip of the infeasible side even when no trial lies there: 8% of the
    // span of the data and the limit.
    const auto [lo, hi] = value_range({&ok, &infeasible, &front_points}, on_x, c.limit);
    const double beyond = c.limit + (c.is_max ? 1 : -1) * 0.08 * (hi - lo);
    if (on_x) plot.vline(c.describe(), c.limit, c.hard() ? kHard : kSoft, bad), plot.include_x(beyond);
    else plot.hline(c.describe(), c.limit, c.hard() ? kHard : kSoft, bad), plot.include_y(beyond);
    drawn.push_back(c.describe());
  }
  plot.scatter(fmt::format("trials ({})", ok.size()), ok, kTrial);
  if (!infeasible.empty()) plot.scatter(fmt::format("infeasible ({})", infeasible.size()), infeasible, kInfeasible);

  // The step line needs a goal on both axes: it joins the front members that are not
  // dominated in this pair, from the best x to the worst.
  const auto max_x = maximize(out, axes.x), max_y = maximize(out, axes.y);
  size_t stepped = 0;
  if (max_x && max_y && !front_points.empty()) {
    std::vector<search::Point> pts;
    for (const auto& p : front_points) pts.push_back({p.x, p.y});
    const std::vector<search::Objective> goals = {{axes.x, *max_x}, {axes.y, *max_y}};
    std::vector<PlotPoint> step;
    for (size_t k : search::pareto_front(pts, goals)) step.push_back(front_points[k]);
    std::sort(step.begin(), step.end(), [&](const PlotPoint& a, const PlotPoint& b) {
      if (a.x != b.x) return *max_x ? a.x > b.x : a.x < b.x;
      return *max_y ? a.y > b.y : a.y < b.y;
    });
    stepped = step.size();
    for (auto& p : step) p.tooltip.clear();  // the dots carry the tooltips
    plot.step_line("", step, kFrontLine);
  }
  plot.scatter(fmt::format("Pareto front ({})", front_points.size()), front_points, kFront);

  std::string caption = fmt::format(
      "{} of {} trials plotted ({} ok, {} infeasible hollow{}). Red: the run's Pareto front over all objectives "
      "({})",
      plotted, out.trials.size(), ok.size() + front_points.size(), infeasible.size(),
      without_values ? fmt::format(", {} without both values left out", without_values) : "",
      out.front_from_file ? "from pareto.csv" : "computed from trials.csv; pareto.csv not written yet");
  caption += stepped ? fmt::format("; the step line joins the {} of them not dominated in this pair.", stepped)
                     : "; no step line: only objectives have a goal.";
  if (!drawn.empty()) caption += fmt::format(" Dashed: {}; the shaded side is infeasible.", fmt::join(drawn, "; "));
  return {plot.svg(), caption};
}

}  // namespace hwnas::report
