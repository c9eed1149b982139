#include "hwnas/exp/outputs.h"

#include <gtest/gtest.h>

#include "exp_testing.h"
#include "hwnas/core/csv.h"
#include "hwnas/exp/folder_lock.h"
#include "hwnas/exp/progress.h"
#include "hwnas/exp/status.h"
#include "hwnas/exp/trial_store.h"

namespace hwnas::exp {
namespace {

using search::TrialStatus;

RunInfo info() {
  RunInfo r;
  r.name = "toy";
  r.space = "nb201";
  r.space_ref = "nb201";
  r.metrics = {"accuracy", "latency_ms"};
  r.sources = {{"accuracy", "looked up (table a.csv:acc)"}, {"latency_ms", "looked up (table l.csv:lat)"}};
  r.cost = {{"accuracy", "expensive"}, {"latency_ms", "cheap"}};
  r.objectives = {{"accuracy", true}, {"latency_ms", false}};
  r.constraints = {{"latency_ms", true, 20, 0}};
  r.budget_trials = 10;
  return r;
}

search::Trial trial(int64_t id, std::map<std::string, double> m, TrialStatus st = TrialStatus::Ok, double penalty = 0) {
  search::Trial t;
  t.id = id;
  t.arch_str = "|a" + std::to_string(id) + "|";
  t.metrics = std::move(m);
  t.status = st;
  t.penalty = penalty;
  if (st == TrialStatus::Failed) t.error = "accuracy: not in table, \"x\"";
  return t;
}

// A (90, 10) and B (92, 15) trade off; C (89, 12) is dominated by A; D failed; E (95, 25) is
// infeasible (above the hard 20 ms) and so is on no front.
std::vector<search::Trial> trials(double penalty_b = 0) {
  return {trial(0, {{"accuracy", 90}, {"latency_ms", 10}}),
          trial(1, {{"accuracy", 92}, {"latency_ms", 15}}, TrialStatus::Ok, penalty_b),
          trial(2, {{"accuracy", 89}, {"latency_ms", 12}}), trial(3, {{"latency_ms", 11}}, TrialStatus::Failed),
          trial(4, {{"accuracy", 95}, {"latency_ms", 25}}, TrialStatus::Infeasible)};
}

TEST(Summary, FrontAndBestUnderConstraints) {
  const RunSummary s = summarize(info(), trials(), 7);
  EXPECT_EQ(s.front, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(s.ok, 3);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.infeasible, 1);
  EXPECT_EQ(s.skipped, 7);
  EXPECT_EQ(s.best[0], 1u);  // B: 92 (E's 95 is infeasible)
  EXPECT_EQ(s.best[1], 0u);  // A: 10 ms
  // A soft penalty of 5 on B: 92 - 5 = 87 < A's 90, so A becomes the best accuracy.
  EXPECT_EQ(summarize(info(), trials(5), 0).best[0], 0u);
}

TEST(Summary, BestBeatingAReference) {
  const RunSummary s = summarize(info(), trials(), 0);
  // Accuracy >= 89.5: A (90, 10 ms) and B (92, 15 ms); the faster is A. C (89) is below, E infeasible.
  EXPECT_EQ(best_beating(s, info().objectives, {{"accuracy", 89.5}, {"latency_ms", 30}}), 0u);
  // >= 91: only B.
  EXPECT_EQ(best_beating(s, info().objectives, {{"accuracy", 91}, {"latency_ms", 30}}), 1u);
  // >= 93: none (E's 95 broke the hard limit).
  EXPECT_EQ(best_beating(s, info().objectives, {{"accuracy", 93}, {"latency_ms", 30}}), std::nullopt);
  // A penalised trial does not count: B with a soft penalty leaves none at >= 91.
  EXPECT_EQ(best_beating(summarize(info(), trials(5), 0), info().objectives, {{"accuracy", 91}}), std::nullopt);
  // One objective: nothing to trade.
  EXPECT_EQ(best_beating(s, {info().objectives[0]}, {{"accuracy", 0}}), std::nullopt);
}

TEST(Outputs, FilesLoadAsCsvAndJsonWithSources) {
  const auto dir = hwnas::testing::temp_dir();
  const RunSummary s = summarize(info(), trials(), 7);
  write_outputs(dir, info(), s);
  const core::CsvTable t = core::read_csv(dir / "trials.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"id", "arch", "accuracy", "latency_ms", "status", "penalty", "seconds",
                                                "error"}));
  ASSERT_EQ(t.rows.size(), 5u);
  EXPECT_EQ(t.rows[3],
            (std::vector<std::string>{"3", "|a3|", "", "11", "failed", "0", "0", "accuracy: not in table, \"x\""}));
  EXPECT_EQ(core::read_csv(dir / "pareto.csv").rows.size(), 2u);
  const auto j = nlohmann::json::parse(read_file(dir / "best.json"));
  EXPECT_EQ(j["best"]["accuracy"]["id"], 1);
  EXPECT_EQ(j["best"]["accuracy"]["model"], "nb201:" + j["best"]["accuracy"]["arch"].get<std::string>());
  EXPECT_EQ(j["best"]["accuracy"]["metrics"]["accuracy"]["value"], 92.0);
  EXPECT_EQ(j["best"]["accuracy"]["metrics"]["accuracy"]["source"], "looked up (table a.csv:acc)");
  EXPECT_EQ(j["front"].size(), 2u);
  EXPECT_EQ(j["counts"]["skipped"], 7);
  EXPECT_EQ(j["constraints"][0]["max"], 20.0);
}

TEST(Progress, OneLineSaysTrialsRateBestAndFront) {
  const RunInfo i = info();
  const auto ts = trials();
  Progress p{&i, &ts, 10, 7, 0, 5, 2.0, false};
  // 5 trials in 2 s = 2.5 trials/s; 5 left at 2.5/s = 2 s.
  EXPECT_EQ(ProgressPrinter::line(p),
            "5/10 trials, 1 failed, 1 infeasible, 7 skipped (cheap limits) | 2.5 trials/s, ETA 2 s | best accuracy 92 "
            "| best latency_ms 10 | front 2");
  const auto dir = hwnas::testing::temp_dir();
  std::FILE* f = std::fopen((dir / "log").c_str(), "w");
  ProgressPrinter plain(f, false, 5);
  plain.update(p);  // 5 is a multiple of 5: printed
  plain.update(p);  // same count: not printed again
  p.finished = true;
  plain.update(p);
  std::fclose(f);
  const std::string log = read_file(dir / "log");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2);
  EXPECT_NE(log.find("done: 5/10 trials"), std::string::npos);
}

TEST(Status, ReadsTheStoreOfARunDuringOrAfterIt) {
  const auto dir = hwnas::testing::temp_dir();
  EXPECT_HWNAS_ERROR(read_status(dir), "holds no trials.db");
  {
    auto store = TrialStore::open(dir / "trials.db", TrialStore::Mode::ReadWrite);
    store.set("info", info().to_json().dump());
    for (const auto& t : trials()) store.add(t, 7);
  }
  RunStatus st = read_status(dir);
  EXPECT_FALSE(st.running);
  EXPECT_EQ(st.info.metrics, info().metrics);
  EXPECT_EQ(st.summary.trials.size(), 5u);
  const std::string text = format_status(st);
  EXPECT_NE(text.find("trials: 5 of budget 10 (3 ok, 1 failed, 1 infeasible); 7 candidates skipped"), std::string::npos)
      << text;
  EXPECT_NE(text.find("accuracy         looked up (table a.csv:acc) [expensive]"), std::string::npos) << text;
  EXPECT_NE(text.find("constraint: latency_ms <= 20 (hard)"), std::string::npos) << text;
  EXPECT_NE(text.find("best accuracy (max): #1 |a1|  accuracy=92  latency_ms=15"), std::string::npos) << text;
  // The front, best accuracy first: B (92) then A (90).
  EXPECT_LT(text.find("  #1 |a1|"), text.find("  #0 |a0|")) << text;
  FolderLock lock(dir);
  EXPECT_TRUE(read_status(dir).running);
}

}  // namespace
}  // namespace hwnas::exp
