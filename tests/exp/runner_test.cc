#include "hwnas/exp/runner.h"
#include "hwnas/target/resolver.h"

#include <chrono>
#include <csignal>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "exp_testing.h"
#include "hwnas/core/csv.h"
#include "hwnas/core/rng.h"
#include "hwnas/exp/folder_lock.h"
#include "hwnas/exp/status.h"
#include "hwnas/exp/trial_store.h"
#include "hwnas/models/nb201.h"
#include "hwnas/target/restrict_space.h"

namespace hwnas::exp {
namespace {

using namespace testing;

Experiment make(const std::filesystem::path& dir, const std::string& strategy, int trials,
                std::vector<std::string> sets = {}) {
  std::filesystem::create_directories(dir);
  sets.push_back("output=" + (dir / "out").string());
  return build_experiment(load_config(write_experiment(dir, nb201_yaml(strategy, trials)), sets));
}

// The published value of `column` for every arch string of a shared table.
std::map<std::string, double> table(const std::string& file, const std::string& column) {
  const core::CsvTable t = core::read_csv(file);
  std::map<std::string, double> m;
  for (size_t r = 0; r < t.rows.size(); ++r)
    if (auto v = t.number_or_empty(r, t.column(column))) m[t.rows[r][t.column("arch_str")]] = *v;
  return m;
}

void expect_same_trials(const std::vector<search::Trial>& a, const std::vector<search::Trial>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].arch_str, b[i].arch_str) << "trial " << i;
    EXPECT_EQ(a[i].metrics, b[i].metrics) << "trial " << i;
    EXPECT_EQ(a[i].status, b[i].status) << "trial " << i;
  }
}

TEST(Runner, ASearchLooksUpThePublishedFiguresAndHonoursTheCheapLimit) {
  const auto dir = hwnas::testing::temp_dir();
  const RunSummary s = run_experiment(make(dir, "random", 30));
  ASSERT_EQ(s.trials.size(), 30u);  // budget: 30 trials
  const auto acc = table(cifar10_csv(), "test_acc_200ep");
  const auto lat = table(latency_csv(), "raspi4_latency_ms");
  std::set<std::string> archs;
  for (const auto& t : s.trials) {
    EXPECT_EQ(t.status, search::TrialStatus::Ok) << t.error;
    EXPECT_EQ(t.metrics.at("accuracy"), acc.at(t.arch_str));
    EXPECT_EQ(t.metrics.at("latency_ms"), lat.at(t.arch_str));
    EXPECT_LE(t.metrics.at("latency_ms"), 20.0);  // the hard cheap limit never costs a trial
    archs.insert(t.arch_str);
  }
  EXPECT_EQ(archs.size(), 30u);  // random search proposes no duplicates
  // The front: no trial dominates a front member, and every non-member is dominated.
  for (size_t i = 0; i < s.trials.size(); ++i) {
    bool dominated = false;
    for (const auto& o : s.trials) {
      const auto& t = s.trials[i];
      dominated |= o.metrics.at("accuracy") >= t.metrics.at("accuracy") &&
                   o.metrics.at("latency_ms") <= t.metrics.at("latency_ms") &&
                   (o.metrics.at("accuracy") > t.metrics.at("accuracy") ||
                    o.metrics.at("latency_ms") < t.metrics.at("latency_ms"));
    }
    EXPECT_EQ(std::count(s.front.begin(), s.front.end(), i) == 1, !dominated) << i;
  }
  // Outputs.
  const auto out = dir / "out";
  const core::CsvTable csv = core::read_csv(out / "trials.csv");
  EXPECT_EQ(csv.header, (std::vector<std::string>{"id", "arch", "accuracy", "latency_ms", "status", "penalty",
                                                  "seconds", "error"}));
  EXPECT_EQ(csv.rows.size(), 30u);
  EXPECT_EQ(core::read_csv(out / "pareto.csv").rows.size(), s.front.size());
  const auto best = nlohmann::json::parse(read_file(out / "best.json"));
  double max_acc = 0;
  for (const auto& t : s.trials) max_acc = std::max(max_acc, t.metrics.at("accuracy"));
  EXPECT_EQ(best["best"]["accuracy"]["metrics"]["accuracy"]["value"].get<double>(), max_acc);
  // The best trial as a model every command reads: the graph the search scored.
  const std::string arch = best["best"]["accuracy"]["arch"];
  EXPECT_EQ(target::resolve_model(best["best"]["accuracy"]["model"].get<std::string>()),
            models::nb201(models::parse_nb201(arch)));
  EXPECT_EQ(best["best"]["accuracy"]["metrics"]["accuracy"]["source"],
            "looked up (table nb201_cifar10.csv:test_acc_200ep)");
  EXPECT_EQ(best["counts"]["skipped"].get<int64_t>(), s.skipped);
  EXPECT_NE(read_file(out / "experiment.yaml").find("trials: 30"), std::string::npos);
}

TEST(Runner, ASearchThatRunsOutOfFeasibleArchsSaysWhy) {
  // Under 0.05 ms on the Pi only the networks a converter folded away remain: count them in
  // the published table, then a search with a larger budget must stop after exactly those.
  size_t feasible = 0;
  for (const auto& [arch, ms] : table(latency_csv(), "raspi4_latency_ms")) feasible += ms <= 0.05;
  ASSERT_GT(feasible, 0u);
  ASSERT_LT(feasible, 300u);  // below the budget
  const auto dir = hwnas::testing::temp_dir();
  const RunSummary s = run_experiment(make(dir, "random", 300, {"constraints=[{metric: latency_ms, max: 0.05}]"}));
  EXPECT_EQ(s.trials.size(), feasible);
  const RunStatus st = read_status(dir / "out");
  EXPECT_EQ(st.stopped_early, fmt::format("stopped after {} trials: strategy random found no new feasible architecture "
                                          "under latency_ms <= 0.05 (hard) (every one it could reach was asked, or "
                                          "none exists: check the limits against the space's smallest networks)",
                                          feasible));
  EXPECT_NE(format_status(st).find(st.stopped_early), std::string::npos);
  // Nothing at all under 0.001 ms: 0 trials, and the status says so rather than looking done.
  const auto none = hwnas::testing::temp_dir() / "none";
  EXPECT_TRUE(
      run_experiment(make(none, "evolution", 30, {"constraints=[{metric: latency_ms, max: 0.001}]"})).trials.empty());
  EXPECT_NE(read_status(none / "out").stopped_early.find("stopped after 0 trials: strategy evolution"),
            std::string::npos);
  // A run that spends its budget has no such line.
  const auto full = hwnas::testing::temp_dir() / "full";
  run_experiment(make(full, "random", 10));
  EXPECT_EQ(read_status(full / "out").stopped_early, "");
}

TEST(Runner, TheWorkerCountDoesNotChangeTheTrials) {
  const auto d1 = hwnas::testing::temp_dir() / "w1";
  const auto d3 = hwnas::testing::temp_dir().parent_path() / "hwnas_Runner_w3";
  std::filesystem::remove_all(d3);
  std::filesystem::create_directories(d1);
  std::filesystem::create_directories(d3);
  const auto a = run_experiment(make(d1, "evolution", 40, {"workers=1"}));
  const auto b = run_experiment(make(d3, "evolution", 40, {"workers=3"}));
  expect_same_trials(a.trials, b.trials);
  EXPECT_EQ(a.skipped, b.skipped);
}

TEST(Runner, FailingAndTimedOutTrialsAreRecordedAndTheSearchGoesOn) {
  const auto dir = hwnas::testing::temp_dir();
  Experiment e = make(dir, "random", 16, {"trial_timeout_s=0.5", "workers=2"});
  std::atomic<int> calls{0};
  replace_metric(e, "accuracy", [&calls](const std::string& arch) -> double {
    const int n = calls++;
    if (n == 3) std::this_thread::sleep_for(std::chrono::seconds(3));  // beyond the timeout (abandoned)
    if (arch.find("avg_pool_3x3~0|+") != std::string::npos) throw Error("acc", "cannot train " + arch);
    return 50.0;
  });
  const RunSummary s = run_experiment(e);
  ASSERT_EQ(s.trials.size(), 16u);  // failed trials count against the budget
  int timed_out = 0, thrown = 0;
  for (const auto& t : s.trials) {
    if (t.error.find("timed out after 0.5 s") != std::string::npos) ++timed_out;
    if (t.error.find("acc: cannot train") != std::string::npos) ++thrown;
    if (t.status == search::TrialStatus::Failed) EXPECT_FALSE(t.error.empty());
    else EXPECT_EQ(t.metrics.at("accuracy"), 50.0);
  }
  EXPECT_EQ(timed_out, 1);
  EXPECT_GT(thrown, 0);
  EXPECT_EQ(s.failed, timed_out + thrown);
  EXPECT_EQ(s.ok + s.failed, 16);
}

TEST(Runner, ATimeBudgetStopsStartingNewRounds) {
  const auto dir = hwnas::testing::temp_dir();
  Experiment e = make(dir, "random", 1000, {"budget.seconds=0.3", "workers=1"});
  const auto acc = table(cifar10_csv(), "test_acc_200ep");
  replace_metric(e, "accuracy", [&acc](const std::string& arch) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return acc.at(arch);
  });
  const RunSummary s = run_experiment(e);
  // 10 ms per trial on one worker: about 30 trials fit in 0.3 s (whole rounds of 8; the round
  // under way at the deadline is finished). Far fewer than the 1000-trial budget.
  EXPECT_GE(s.trials.size(), 8u);
  EXPECT_LE(s.trials.size(), 200u);
  EXPECT_EQ(s.trials.size() % kRoundSize, 0u);
}

TEST(Runner, HardLimitsOnExpensiveMetricsMakeInfeasibleTrialsAndSoftOnesPenalties) {
  const auto dir = hwnas::testing::temp_dir();
  const RunSummary s = run_experiment(make(dir, "random", 16,
                                           {"constraints=[{metric: accuracy, min: 90}, "
                                            "{metric: latency_ms, max: 10, soft: 2}]"}));
  int infeasible = 0;
  for (const auto& t : s.trials) {
    if (t.metrics.at("accuracy") < 90) {
      EXPECT_EQ(t.status, search::TrialStatus::Infeasible);
      EXPECT_NE(t.error.find("is below the hard min 90"), std::string::npos);
      ++infeasible;
    }
    // penalty = 2 * max(0, latency - 10)
    EXPECT_DOUBLE_EQ(t.penalty, 2 * std::max(0.0, t.metrics.at("latency_ms") - 10));
  }
  EXPECT_EQ(s.infeasible, infeasible);
  EXPECT_EQ(s.skipped, 0);  // no hard limit on the cheap metric
  for (size_t i : s.front) EXPECT_EQ(s.trials[i].status, search::TrialStatus::Ok);
}

TEST(Runner, ResumeContinuesAndRaisingTheBudgetExtendsTheSameSearch) {
  const auto dir = hwnas::testing::temp_dir();
  const auto whole = run_experiment(make(dir / "a", "evolution", 24));
  run_experiment(make(dir / "b", "evolution", 10));
  const auto resumed = run_experiment(make(dir / "b", "evolution", 24));
  expect_same_trials(whole.trials, resumed.trials);
  // Resuming a finished run evaluates nothing.
  Experiment again = make(dir / "b", "evolution", 24);
  replace_metric(again, "accuracy", [](const std::string&) -> double { throw Error("x", "must not be called"); });
  expect_same_trials(whole.trials, run_experiment(again).trials);
}

TEST(Runner, ASettingThatChangesTheSearchIsRefusedOnResume) {
  const auto dir = hwnas::testing::temp_dir();
  run_experiment(make(dir, "random", 8));
  EXPECT_HWNAS_ERROR(run_experiment(make(dir, "random", 8, {"strategy.seed=2"})),
                     "--set strategy.seed: differs from the run stored in");
  EXPECT_HWNAS_ERROR(run_experiment(make(dir, "evolution", 8)),
                     "exp.yaml:8: strategy.name: differs from the run stored in");
  EXPECT_HWNAS_ERROR(run_experiment(make(dir, "random", 8, {"constraints.0.max=30"})), "Use a new output folder");
  EXPECT_HWNAS_ERROR(run_experiment(make(dir, "random", 8, {"metrics.accuracy.column=test_acc_12ep"})),
                     "exp.yaml:4: metrics.accuracy: differs from the run stored");
  run_experiment(make(dir, "random", 8, {"workers=1"}));  // the worker count may change
}

TEST(Runner, AReplayThatDivergesIsAnError) {
  const auto dir = hwnas::testing::temp_dir();
  run_experiment(make(dir, "random", 8));
  // Forge a stored trial that the strategy will not re-propose.
  {
    auto store = TrialStore::open(dir / "out/trials.db", TrialStore::Mode::ReadWrite);
    auto ts = store.trials();
    ts[3].arch_str = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
    store.add(ts[3], 0);
  }
  EXPECT_HWNAS_ERROR(run_experiment(make(dir, "random", 8)), "trial 3: the strategy now proposes");
}

// `auto` picks its strategy by the budget (evolution below 30 trials, the predictor from 30 on
// for this problem). Raising the budget on resume keeps the first run's plan: the 24 stored
// trials replay and the search continues with evolution, as an evolution run of 40 would.
TEST(Runner, AutoKeepsItsFirstPlanWhenTheBudgetIsRaisedOnResume) {
  const auto dir = hwnas::testing::temp_dir();
  const auto first = run_experiment(make(dir / "a", "auto", 24));
  const auto resumed = run_experiment(make(dir / "a", "auto", 40));
  ASSERT_EQ(resumed.trials.size(), 40u);
  expect_same_trials(first.trials, {resumed.trials.begin(), resumed.trials.begin() + 24});
  expect_same_trials(run_experiment(make(dir / "b", "evolution", 40)).trials, resumed.trials);
  // The premise: a fresh auto run of 40 plans differently (the predictor), so the plan mattered.
  const auto fresh = run_experiment(make(dir / "c", "auto", 40));
  std::vector<std::string> fresh_archs, resumed_archs;
  for (const auto& t : fresh.trials) fresh_archs.push_back(t.arch_str);
  for (const auto& t : resumed.trials) resumed_archs.push_back(t.arch_str);
  EXPECT_NE(fresh_archs, resumed_archs);
}

TEST(Runner, OneSearchPerOutputFolder) {
  const auto dir = hwnas::testing::temp_dir();
  std::filesystem::create_directories(dir / "out");
  FolderLock held(dir / "out");
  EXPECT_TRUE(FolderLock::held(dir / "out"));
  EXPECT_HWNAS_ERROR(run_experiment(make(dir, "random", 8)), "another `hwnas search` is running on this output folder");
}

// The acceptance test of issue 5: SIGKILL a search at random moments, resume it, and get the
// trials of an uninterrupted run with the same seed.
TEST(Runner, ASearchKilledAtARandomMomentResumesToTheSameTrials) {
  const auto dir = hwnas::testing::temp_dir();
  constexpr int kTrials = 48;
  const auto slow = [](const std::string&) { std::this_thread::sleep_for(std::chrono::milliseconds(3)); };
  Experiment reference = make(dir / "ref", "evolution", kTrials);
  const auto expected = run_experiment(reference).trials;

  Experiment e = make(dir / "killed", "evolution", kTrials);
  const auto acc = table(cifar10_csv(), "test_acc_200ep");
  replace_metric(e, "accuracy", [&](const std::string& arch) {
    slow(arch);
    return acc.at(arch);
  });
  Rng rng(2024);
  int partial_kills = 0;
  for (int round = 0; round < 4; ++round) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      try {
        run_experiment(e);
      } catch (...) {
        _exit(3);
      }
      _exit(0);
    }
    // 48 trials x 3 ms / 2 workers ~ 70 ms of evaluation plus loading: kill within it.
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng.uniform_int(60)));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    size_t stored = 0;
    try {
      stored = TrialStore::open(e.config.output / "trials.db", TrialStore::Mode::ReadOnly).trials().size();
    } catch (const Error&) {  // killed before the store had its tables
    }
    if (WIFSIGNALED(status) && stored < kTrials) ++partial_kills;
  }
  EXPECT_GT(partial_kills, 0) << "no kill landed mid-run; the test did not test resume";
  expect_same_trials(expected, run_experiment(e).trials);
}

}  // namespace
}  // namespace hwnas::exp
