#include "hwnas/report/comparison.h"

#include <gtest/gtest.h>

#include "exp/exp_testing.h"
#include "hwnas/core/csv.h"
#include "hwnas/core/files.h"
#include "hwnas/exp/config.h"
#include "hwnas/exp/runner.h"
#include "hwnas/exp/trial_store.h"
#include "hwnas/report/comparison_section.h"
#include "hwnas/report/html_report.h"
#include "testing.h"

namespace hwnas::report {
namespace {

// Three small built-in models, an accuracy table of made-up figures and a latency from a made-up
// phone CSV, so that the expected picks are hand-checked: dscnn-s 90 at 2 ms, dscnn-m 94 at 4 ms,
// dscnn-l 95 at 10 ms. Steps: 2 ms for 4 points (0.5 ms/point), 6 ms for 1 point (6). Knee:
// dscnn-m (x 0.25, y 0.8 on the scaled front). Budget 5 ms: dscnn-m.
exp::Experiment run(const std::filesystem::path& dir, const std::string& extra = "") {
  write_file_atomic(dir / "acc.csv",
                    "model,top1,source\ndscnn-s,90,Paper A Table 1\ndscnn-m,94,Paper A Table 1\ndscnn-l,95,Paper B\n");
  write_file_atomic(dir / "phone.csv",
                    "arch,latency_ms,source\ndscnn-s,2,measured (phone A)\ndscnn-m,4,measured (phone A)\n"
                    "dscnn-l,10,measured (phone A)\n");
  const auto yaml = exp::testing::write_experiment(dir, R"(name: cmp
space: {models: [dscnn-s, dscnn-m, dscnn-l]}
metrics:
  accuracy: {published: acc.csv}
  phone_ms: {measurements: phone.csv}
  pixel3_ms: {model: roofline, device: pixel3-cpu}
objectives: [{metric: accuracy, goal: max}, {metric: phone_ms, goal: min}]
strategy: {name: auto, seed: 1}
executor: {workers: 1}
output: out
)" + extra);
  exp::Experiment e = exp::build_experiment(exp::load_config(yaml));
  exp::run_experiment(e);
  return e;
}

std::vector<search::Trial> trials_of(const exp::Experiment& e) {
  return exp::TrialStore::open(e.config.output / "trials.db", exp::TrialStore::Mode::ReadOnly).trials();
}

TEST(Comparison, EveryModelOnceWithSourcesAndTheRecommendation) {
  const auto dir = hwnas::testing::temp_dir();
  const exp::Experiment e = run(dir, "compare: {budget_ms: 5}\n");
  const auto trials = trials_of(e);
  ASSERT_EQ(trials.size(), 3u);  // the budget defaults to one trial per model; grid tries each once
  const Comparison c = compare_trials(e, trials, std::nullopt);
  EXPECT_EQ(c.accuracy_metric, "accuracy");
  EXPECT_EQ(c.latency_metric, "phone_ms");
  ASSERT_EQ(c.candidates.size(), 3u);
  const auto& r = c.recommendation;
  ASSERT_TRUE(r.best_within_budget && r.knee);
  EXPECT_EQ(c.candidates[*r.best_within_budget].model, "dscnn-m");
  EXPECT_EQ(c.candidates[*r.knee].model, "dscnn-m");
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_NEAR(r.steps[0].ms_per_point, 0.5, 1e-9);
  EXPECT_NEAR(r.steps[1].ms_per_point, 6.0, 1e-9);
  const ComparisonRow& m = c.rows[c.candidate_rows[*r.best_within_budget]];
  EXPECT_EQ(m.figures.at("accuracy").source, "looked up: Paper A Table 1 (acc.csv:3)");
  EXPECT_EQ(m.figures.at("phone_ms").source, "measured (phone A) [phone.csv:3]");
  EXPECT_EQ(m.figures.at("pixel3_ms").source, "predicted (roofline on pixel3-cpu, f32)");
  EXPECT_GT(m.macs_m, 0);
  EXPECT_GT(m.params_m, 0);

  // --budget-ms wins over the file's; no model fits 1 ms.
  EXPECT_FALSE(compare_trials(e, trials, 1.0).recommendation.best_within_budget);
  EXPECT_HWNAS_ERROR(compare_trials(e, trials, -3.0), "must be > 0 ms");
}

TEST(Comparison, FilesLoadAndTheReportHasTheSection) {
  const auto dir = hwnas::testing::temp_dir();
  const exp::Experiment e = run(dir, "constraints: [{metric: phone_ms, max: 12}]\n");
  const Comparison c = compare_trials(e, trials_of(e), std::nullopt);
  EXPECT_EQ(c.recommendation.budget_ms, 12.0);  // from the constraint on the latency metric
  write_comparison(e.config.output, c);

  const core::CsvTable t = core::read_csv(e.config.output / "comparison.csv");
  EXPECT_EQ(t.header[0], "model");
  EXPECT_EQ(t.header[1], "accuracy");
  EXPECT_EQ(t.header[2], "accuracy_source");
  ASSERT_EQ(t.rows.size(), 3u);
  const int rec = t.column("recommended");
  EXPECT_EQ(t.rows[2][rec], "true");  // dscnn-l: the most accurate within 12 ms
  EXPECT_EQ(t.rows[0][rec], "false");

  const nlohmann::json j = nlohmann::json::parse(read_file(e.config.output / "recommendation.json"));
  EXPECT_EQ(j["recommended"]["model"], "dscnn-l");
  EXPECT_EQ(j["knee"]["model"], "dscnn-m");
  EXPECT_EQ(j["front"].size(), 3u);
  const Comparison back = comparison_from_json(j, "recommendation.json");
  EXPECT_EQ(back.rows.size(), 3u);
  EXPECT_EQ(back.recommendation.best_within_budget, c.recommendation.best_within_budget);

  const std::string html = read_file(write_report(e.config.output));
  EXPECT_NE(html.find("<section id=\"recommendation\">"), std::string::npos);
  EXPECT_NE(html.find("looked up: Paper B (acc.csv:4)"), std::string::npos);
  EXPECT_NE(html.find("dscnn-m &#8594; dscnn-l"), std::string::npos);
  EXPECT_NE(html.find(">dscnn-m</text>"), std::string::npos);  // the plot names the models
  // best.json names each trial as the model itself.
  const nlohmann::json best = nlohmann::json::parse(read_file(e.config.output / "best.json"));
  EXPECT_EQ(best["best"]["accuracy"]["model"], "dscnn-l");
}

TEST(Comparison, AResumedRunKeepsTheSourcesItsFirstRunKnew) {
  const auto dir = hwnas::testing::temp_dir();
  const exp::Experiment e = run(dir);
  Comparison now = compare_trials(e, trials_of(e), std::nullopt);
  Comparison before = now;
  before.rows[0].figures["phone_ms"].source = "measured (the first run's runs and spread)";
  before.rows[1].figures["phone_ms"].source = "measured (another value)";
  before.rows[1].figures["phone_ms"].value += 1;
  // phone_ms's per-model source differs from its general one, so nothing is replaced...
  EXPECT_EQ(keep_known_sources(now, before, e), 0u);
  // ...but a figure whose source is the metric's general one takes the earlier run's, same value only.
  for (auto& row : now.rows) row.figures["phone_ms"].source = e.metric("phone_ms").source();
  EXPECT_EQ(keep_known_sources(now, before, e), 2u);  // rows 0 and 2; row 1's value differs
  EXPECT_EQ(now.rows[0].figures["phone_ms"].source, "measured (the first run's runs and spread)");
  EXPECT_EQ(now.rows[1].figures["phone_ms"].source, e.metric("phone_ms").source());
}

TEST(Comparison, SectionSaysWhenNoModelFits) {
  Comparison c;
  c.accuracy_metric = "accuracy";
  c.latency_metric = "latency_ms";
  c.rows = {{.model = "a", .figures = {{"accuracy", {70, "x"}}, {"latency_ms", {10, "y"}}}}};
  c.candidates = {{"a", 70, 10}};
  c.candidate_rows = {0};
  c.recommendation = recommend(c.candidates, 5.0);
  const std::string html = comparison_section(c);
  EXPECT_NE(html.find("No model fits the 5 ms budget"), std::string::npos) << html;
  EXPECT_NE(html.find("fewer than three models on the front"), std::string::npos) << html;
}

}  // namespace
}  // namespace hwnas::report
