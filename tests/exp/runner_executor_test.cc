// The search with each executor: the process executor gives the same trials as the thread
// executor for a seed, and a trial that hangs or crashes its worker costs that trial only.
#include <gtest/gtest.h>

#include "exp_testing.h"
#include "hwnas/exp/runner.h"
#include "process_watch.h"

namespace hwnas::exp {
namespace {

using namespace testing;

struct SearchFile {
  std::filesystem::path file;
  std::vector<std::string> sets;
};

// The README's NB201 search (strategy auto, seed 1) on a small budget.
SearchFile nb201(const std::filesystem::path& dir, int trials, std::vector<std::string> sets = {}) {
  sets.push_back("output=" + (dir / "out").string());
  return {write_experiment(dir, nb201_yaml("auto", trials)), sets};
}

// The process executor's workers serve the same experiment file: the fault-injecting worker
// builds its evaluator exactly as `hwnas trial-worker` does, and fails on the archs in `faults`.
RunSummary run_with_processes(const SearchFile& s, std::vector<std::string> faults = {},
                              std::vector<std::string> sets = {}) {
  std::vector<std::string> cmd = {HWNAS_FAULTY_TRIAL_WORKER, "--experiment", s.file.string()};
  for (const auto& set : s.sets) cmd.insert(cmd.end(), {"--set", set});
  cmd.insert(cmd.end(), faults.begin(), faults.end());
  sets.insert(sets.begin(), s.sets.begin(), s.sets.end());
  sets.push_back("executor.kind=process");
  return run_experiment(build_experiment(load_config(s.file, sets)), {.in_memory = true, .worker_command = cmd});
}

RunSummary run_with_threads(const SearchFile& s) {
  return run_experiment(build_experiment(load_config(s.file, s.sets)), {.in_memory = true});
}

TEST(RunnerExecutors, ThreadAndProcessExecutorsGiveTheSameTrialsForASeed) {
  const SearchFile s = nb201(hwnas::testing::temp_dir(), 40);
  const RunSummary threads = run_with_threads(s);
  const RunSummary processes = run_with_processes(s);
  ASSERT_EQ(threads.trials.size(), 40u);
  ASSERT_EQ(processes.trials.size(), threads.trials.size());
  for (size_t i = 0; i < threads.trials.size(); ++i) {
    const auto& a = threads.trials[i];
    const auto& b = processes.trials[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.arch_str, b.arch_str) << "trial " << i;
    EXPECT_EQ(a.metrics, b.metrics) << "trial " << i;  // the values, bit for bit
    EXPECT_EQ(a.status, b.status) << "trial " << i;
    EXPECT_EQ(a.penalty, b.penalty) << "trial " << i;
  }
  EXPECT_EQ(threads.skipped, processes.skipped);
  EXPECT_TRUE(hwnas::testing::children_of_this_process().empty());
}

TEST(RunnerExecutors, ATrialThatHangsOrSegfaultsInItsWorkerCostsThatTrialOnly) {
  const SearchFile s = nb201(hwnas::testing::temp_dir(), 24);
  const RunSummary threads = run_with_threads(s);
  ASSERT_EQ(threads.trials.size(), 24u);
  // Both in the first round of 8, so the trials before them are the thread run's.
  const std::string hang = threads.trials[2].arch_str, segv = threads.trials[5].arch_str;
  const RunSummary p = run_with_processes(s, {"--hang", hang, "--segv", segv}, {"trial_timeout_s=1"});
  ASSERT_EQ(p.trials.size(), 24u);  // the search went on to its budget
  EXPECT_EQ(p.trials[2].arch_str, hang);
  EXPECT_EQ(p.trials[2].status, search::TrialStatus::Failed);
  EXPECT_EQ(p.trials[2].error, "timed out after 1 s (trial_timeout_s); its worker process was killed");
  EXPECT_EQ(p.trials[5].arch_str, segv);
  EXPECT_EQ(p.trials[5].status, search::TrialStatus::Failed);
  EXPECT_NE(p.trials[5].error.find("SIGSEGV"), std::string::npos) << p.trials[5].error;
  EXPECT_EQ(p.failed, 2);
  for (size_t i = 0; i < 8; ++i) {
    if (i == 2 || i == 5) continue;
    EXPECT_EQ(p.trials[i].metrics, threads.trials[i].metrics) << "trial " << i;
  }
  EXPECT_TRUE(hwnas::testing::children_of_this_process().empty());
}

TEST(RunnerExecutors, AWorkerThatBuiltOtherMetricsIsRefused) {
  const SearchFile s = nb201(hwnas::testing::temp_dir(), 8);
  // As if the file had been edited after the search started: the worker reads another column.
  EXPECT_HWNAS_ERROR(run_with_processes(s, {"--set", "metrics.accuracy.column=test_acc_12ep"}),
                     "built metric 'accuracy' as");
  EXPECT_TRUE(hwnas::testing::children_of_this_process().empty());
}

}  // namespace
}  // namespace hwnas::exp
