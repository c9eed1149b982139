#pragma once
// The Pareto plot of a run for one pair of metrics: every trial that has both values (Ok
// trials filled, infeasible ones hollow), the run's Pareto front highlighted, the part of the
// front that is non-dominated in this pair joined as a step line, and each constraint on either
// axis drawn as a dashed line with its infeasible side shaded. Axis labels carry the units
// from the metric names (latency_ms -> "latency (ms)"); hovering a point shows its trial. A run
// that compared models (recommendation.json) of at most 20 trials names each point.
//
//   report::ExperimentOutput out = report::load_experiment_output("runs/nb201-raspi4");
//   for (const auto& axes : report::default_plot_axes(out)) {
//     report::ParetoPlot p = report::pareto_plot(out, axes);
//     html += p.svg + "<p>" + report::escape(p.caption) + "</p>";
//   }
#include <string>
#include <vector>

#include "hwnas/report/experiment_output.h"

namespace hwnas::report {

struct PlotAxes {
  std::string x, y;  // metric names (columns of trials.csv)
};

// One plot per pair of objectives. A max-vs-min pair puts the minimised metric (the cost) on
// x, as in accuracy-vs-latency plots; otherwise x is the objective listed first. A run with a
// single objective plots it against the first constrained metric, else the first other
// metric; none when trials.csv has only one metric.
std::vector<PlotAxes> default_plot_axes(const ExperimentOutput& out);

struct ParetoPlot {
  std::string svg;      // "" when no trial has values for both metrics yet (a run just started)
  std::string caption;  // what is drawn and where it came from, plain text
};

// Throws hwnas::Error if x or y is not a metric of the run (listing them).
ParetoPlot pareto_plot(const ExperimentOutput& out, const PlotAxes& axes, int width = 560, int height = 400);

}  // namespace hwnas::report
