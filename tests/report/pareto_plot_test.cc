#include "hwnas/report/pareto_plot.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"
#include "xml_check.h"

namespace hwnas::report {
namespace {

using search::TrialStatus;

search::Trial trial(int64_t id, std::map<std::string, double> metrics, TrialStatus status = TrialStatus::Ok) {
  search::Trial t;
  t.id = id;
  t.arch_str = "arch" + std::to_string(id);
  t.metrics = std::move(metrics);
  t.status = status;
  return t;
}

// Three objectives: accuracy max, latency_ms min, sram_kib min.
//   1: 90 %, 10 ms, 5 KiB    front (best accuracy among feasible)
//   2: 80 %,  5 ms, 1 KiB    front (fastest)
//   3: 85 %, 12 ms, 0.5 KiB  front (smallest), but in (latency, accuracy) dominated by 1
//   4: 70 %, 20 ms, 9 KiB    dominated by 1 in everything
//   5: 95 %, 40 ms, 2 KiB    infeasible (latency above 30)
//   6: failed, no metrics
ExperimentOutput three_objectives() {
  ExperimentOutput out;
  out.name = "t";
  out.metrics = {"accuracy", "latency_ms", "sram_kib"};
  out.objectives = {{"accuracy", true}, {"latency_ms", false}, {"sram_kib", false}};
  out.constraints = {{.metric = "latency_ms", .is_max = true, .limit = 30},
                     {.metric = "accuracy", .is_max = false, .limit = 75, .soft_weight = 0.5}};
  out.trials = {trial(1, {{"accuracy", 90}, {"latency_ms", 10}, {"sram_kib", 5}}),
                trial(2, {{"accuracy", 80}, {"latency_ms", 5}, {"sram_kib", 1}}),
                trial(3, {{"accuracy", 85}, {"latency_ms", 12}, {"sram_kib", 0.5}}),
                trial(4, {{"accuracy", 70}, {"latency_ms", 20}, {"sram_kib", 9}}),
                trial(5, {{"accuracy", 95}, {"latency_ms", 40}, {"sram_kib", 2}}, TrialStatus::Infeasible),
                trial(6, {}, TrialStatus::Failed)};
  out.front = {0, 1, 2};
  out.front_from_file = true;
  return out;
}

TEST(DefaultPlotAxes, PutsTheMinimisedMetricOnX) {
  ExperimentOutput out = three_objectives();
  const auto axes = default_plot_axes(out);
  ASSERT_EQ(axes.size(), 3u);  // 3 objectives: 3 pairs
  EXPECT_EQ(axes[0].x, "latency_ms");
  EXPECT_EQ(axes[0].y, "accuracy");
  EXPECT_EQ(axes[1].x, "sram_kib");
  EXPECT_EQ(axes[1].y, "accuracy");
  EXPECT_EQ(axes[2].x, "latency_ms");  // min vs min: in the order listed
  EXPECT_EQ(axes[2].y, "sram_kib");

  out.objectives = {{"accuracy", true}};  // one objective: against the first constrained metric
  ASSERT_EQ(default_plot_axes(out).size(), 1u);
  EXPECT_EQ(default_plot_axes(out)[0].x, "latency_ms");
  out.constraints.clear();  // ... else the first other metric
  EXPECT_EQ(default_plot_axes(out)[0].x, "latency_ms");
  out.metrics = {"accuracy"};
  EXPECT_TRUE(default_plot_axes(out).empty());
}

TEST(ParetoPlot, StepLineJoinsOnlyTheFrontMembersNonDominatedInThePair) {
  const ParetoPlot p = pareto_plot(three_objectives(), {"latency_ms", "accuracy"});
  const auto xml = testing::check_xml(p.svg);
  ASSERT_EQ(xml.error, "");
  // 5 dots (the failed trial has none) + 3 legend swatches.
  EXPECT_EQ(xml.all("circle").size(), 5u + 3u);
  const auto paths = xml.all("path");
  ASSERT_EQ(paths.size(), 1u);
  // Front members 1 (10 ms, 90 %) and 2 (5 ms, 80 %); 3 is dominated by 1 in this pair. From
  // the best latency: start at trial 2, one step to trial 1.
  const std::string d = paths[0]->attrs.at("d");
  EXPECT_EQ(std::count(d.begin(), d.end(), 'H'), 1);
  EXPECT_EQ(p.caption.substr(0, 57), "5 of 6 trials plotted (4 ok, 1 infeasible hollow). Red: t");
  EXPECT_NE(p.caption.find("(from pareto.csv); the step line joins the 2 of them not dominated in this pair."),
            std::string::npos);
  // Both constraints are on this pair's axes: a hard vertical line, a soft horizontal one.
  EXPECT_NE(p.caption.find("Dashed: latency_ms <= 30 (hard); accuracy >= 75 (soft, weight 0.5)"), std::string::npos);
  int shaded = 0;
  for (const auto* r : xml.all("rect")) shaded += r->attrs.at("fill") != "#ffffff";
  EXPECT_EQ(shaded, 2);
}

TEST(ParetoPlot, ShadesBelowAMinimumLimit) {
  ExperimentOutput out = three_objectives();
  out.constraints = {{.metric = "accuracy", .is_max = false, .limit = 75}};
  const auto xml = testing::check_xml(pareto_plot(out, {"latency_ms", "accuracy"}).svg);
  ASSERT_EQ(xml.error, "");
  const testing::XmlElement* frame = nullptr;
  const testing::XmlElement* shade = nullptr;
  for (const auto* r : xml.all("rect")) (r->attrs.at("fill") == "#ffffff" ? frame : shade) = r;
  ASSERT_TRUE(frame && shade);
  // The shaded rectangle ends at the bottom of the plot area: its y + height = frame's.
  EXPECT_NEAR(std::stod(shade->attrs.at("y")) + std::stod(shade->attrs.at("height")),
              std::stod(frame->attrs.at("y")) + std::stod(frame->attrs.at("height")), 0.11);
}

TEST(ParetoPlot, MetricsWithoutAGoalGetNoStepLine) {
  ExperimentOutput out = three_objectives();
  out.objectives = {{"accuracy", true}};
  const ParetoPlot p = pareto_plot(out, {"sram_kib", "accuracy"});
  EXPECT_TRUE(testing::check_xml(p.svg).all("path").empty());
  EXPECT_NE(p.caption.find("no step line"), std::string::npos);
}

TEST(ParetoPlot, TrialsWithoutBothValuesAreCountedNotPlotted) {
  ExperimentOutput out = three_objectives();
  out.trials[3].metrics.erase("sram_kib");
  const ParetoPlot p = pareto_plot(out, {"sram_kib", "accuracy"});
  EXPECT_NE(p.caption.find("4 of 6 trials plotted (3 ok, 1 infeasible hollow, 1 without both values left out)"),
            std::string::npos);
}

TEST(ParetoPlot, ErrorsNameTheAxes) {
  const ExperimentOutput out = three_objectives();
  EXPECT_HWNAS_ERROR(pareto_plot(out, {"latency", "accuracy"}),
                     "plot accuracy vs latency: 'latency' is not a metric of this run (metrics: accuracy, latency_ms, "
                     "sram_kib)");
}

TEST(ParetoPlot, NothingToPlotYetIsACaptionNotAnError) {
  ExperimentOutput out = three_objectives();
  for (auto& t : out.trials) t.metrics.erase("sram_kib");
  const ParetoPlot p = pareto_plot(out, {"sram_kib", "accuracy"});
  EXPECT_EQ(p.svg, "");
  EXPECT_EQ(p.caption, "No trial has values for both sram_kib and accuracy yet.");
}

}  // namespace
}  // namespace hwnas::report
