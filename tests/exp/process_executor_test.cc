#include "hwnas/exp/process_executor.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "process_watch.h"
#include "testing.h"

namespace hwnas::exp {
namespace {

using hwnas::testing::children_of_this_process;
using hwnas::testing::thread_count;

// The fault-injecting worker (tests/exp/faulty_trial_worker.cc) with the given faults.
std::vector<std::string> worker(std::vector<std::string> args = {}) {
  args.insert(args.begin(), HWNAS_FAULTY_TRIAL_WORKER);
  return args;
}

std::vector<TrialRequest> requests(const std::vector<std::string>& archs, double timeout_s = 0) {
  std::vector<TrialRequest> r;
  for (size_t i = 0; i < archs.size(); ++i)
    r.push_back({.id = static_cast<int64_t>(i), .arch = archs[i], .metrics = {"m"}, .timeout_s = timeout_s});
  return r;
}

double byte_sum(const std::string& s) {
  double sum = 0;
  for (unsigned char c : s) sum += c;
  return sum;
}

std::map<int64_t, TrialResult> run(ProcessExecutor& ex, const std::vector<TrialRequest>& reqs) {
  std::map<int64_t, TrialResult> got;
  const auto caller = std::this_thread::get_id();
  ex.run(reqs, [&](TrialResult r) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    EXPECT_FALSE(got.contains(r.id)) << "trial " << r.id << " reported twice";
    got[r.id] = r;
  });
  EXPECT_EQ(got.size(), reqs.size());
  return got;
}

// Checked at the end of every test: the executor, destroyed, left no child (running or zombie)
// and no thread behind.
class ProcessExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(children_of_this_process().empty()) << "a child process is left from before this test";
    threads_before_ = thread_count();
  }
  void TearDown() override {
    EXPECT_TRUE(children_of_this_process().empty()) << "a worker outlived its executor";
    errno = 0;
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1) << "an unreaped child (zombie) is left";
    EXPECT_EQ(errno, ECHILD);
    // <=: a thread another test's thread executor abandoned may end meanwhile.
    EXPECT_LE(thread_count(), threads_before_) << "a thread is left running";
  }
  size_t threads_before_ = 0;
};

TEST_F(ProcessExecutorTest, EvaluatesInWorkerProcessesAndKeepsThemAcrossRuns) {
  ProcessExecutor ex(worker(), 2);
  EXPECT_EQ(ex.describe(), "2 worker processes");
  const std::vector<std::string> archs = {"a", "bb", "ccc", "dddd", "eeeee"};
  auto got = run(ex, requests(archs));
  for (size_t i = 0; i < archs.size(); ++i) {
    EXPECT_EQ(got.at(i).status, TrialOutcome::Ok) << got.at(i).error;
    EXPECT_EQ(got.at(i).values.at("m"), byte_sum(archs[i]));
  }
  const auto pids = ex.worker_pids();
  EXPECT_EQ(pids.size(), 2u);
  EXPECT_EQ(children_of_this_process().size(), 2u);
  got = run(ex, requests({"x"}));
  EXPECT_EQ(got.at(0).values.at("m"), byte_sum("x"));
  EXPECT_EQ(ex.worker_pids(), pids);  // the same processes: starting one costs a metric build
}

TEST_F(ProcessExecutorTest, AHungTrialIsKilledAtItsTimeoutAndTheSearchGoesOn) {
  ProcessExecutor ex(worker({"--hang", "b"}), 1);
  const auto start = std::chrono::steady_clock::now();
  auto got = run(ex, requests({"a", "b", "c", "d"}, 0.3));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(got.at(1).status, TrialOutcome::TimedOut);
  EXPECT_EQ(got.at(1).error, "timed out after 0.3 s (trial_timeout_s); its worker process was killed");
  EXPECT_GE(got.at(1).seconds, 0.3);
  for (int i : {0, 2, 3}) EXPECT_EQ(got.at(i).status, TrialOutcome::Ok) << i << ": " << got.at(i).error;
  EXPECT_LT(took, 5.0);
  EXPECT_EQ(children_of_this_process().size(), 1u);  // the replacement, and nothing else
}

TEST_F(ProcessExecutorTest, ATimedOutWorkerTakesWhatItStartedWithIt) {
  const auto pidfile = hwnas::testing::temp_dir() / "grandchild.pid";
  {
    ProcessExecutor ex(worker({"--hang-with-child", "b", pidfile.string()}), 1);
    auto got = run(ex, requests({"b", "c"}, 0.3));
    EXPECT_EQ(got.at(0).status, TrialOutcome::TimedOut);
    EXPECT_EQ(got.at(1).status, TrialOutcome::Ok);
  }
  pid_t grandchild = 0;
  std::ifstream(pidfile) >> grandchild;
  ASSERT_GT(grandchild, 0);
  // Killed with its process group (SIGKILL takes a moment to land); reparented, it may stay a
  // zombie of init for a while, which runs nothing.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (hwnas::testing::process_running(grandchild) && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(hwnas::testing::process_running(grandchild)) << "the hung worker's own child still runs";
}

TEST_F(ProcessExecutorTest, ACrashedWorkerFailsItsTrialOnlyAndIsReplaced) {
  ProcessExecutor ex(worker({"--segv", "s", "--abort", "a", "--exit", "e"}), 2);
  auto got = run(ex, requests({"ok1", "s", "ok2", "a", "e", "ok3"}));
  EXPECT_EQ(got.at(1).status, TrialOutcome::Crashed);
  EXPECT_EQ(got.at(1).error,
            "the worker process was killed by signal 11 (SIGSEGV: Segmentation fault) during the trial");
  EXPECT_EQ(got.at(3).status, TrialOutcome::Crashed);
  EXPECT_NE(got.at(3).error.find("signal 6 (SIGABRT: Aborted)"), std::string::npos) << got.at(3).error;
  EXPECT_EQ(got.at(4).status, TrialOutcome::Crashed);
  EXPECT_EQ(got.at(4).error, "the worker process exited with code 7 during the trial");
  for (int i : {0, 2, 5}) {
    EXPECT_EQ(got.at(i).status, TrialOutcome::Ok) << got.at(i).error;
    EXPECT_EQ(got.at(i).values.at("m"), byte_sum("ok" + std::to_string(i == 0 ? 1 : i == 2 ? 2 : 3)));
  }
}

TEST_F(ProcessExecutorTest, AnEvaluatorErrorFailsTheTrialAndKeepsTheWorker) {
  ProcessExecutor ex(worker({"--throw", "t"}), 1);
  auto got = run(ex, requests({"t", "u"}));
  const auto pids = ex.worker_pids();
  EXPECT_EQ(got.at(0).status, TrialOutcome::Failed);
  EXPECT_EQ(got.at(0).error, "thrown on purpose");
  EXPECT_EQ(got.at(1).status, TrialOutcome::Ok);
  ASSERT_EQ(pids.size(), 1u);  // not replaced: a metric's error is no reason to distrust its process
}

TEST_F(ProcessExecutorTest, GarbageOnTheProtocolChannelFailsTheTrialWithTheText) {
  ProcessExecutor ex(worker({"--garbage", "g"}), 1);
  auto got = run(ex, requests({"a", "g", "c"}));
  EXPECT_EQ(got.at(1).status, TrialOutcome::Failed);
  EXPECT_NE(got.at(1).error.find("the worker process answered 'this is not JSON', which is not a trial result"),
            std::string::npos)
      << got.at(1).error;
  EXPECT_EQ(got.at(0).status, TrialOutcome::Ok);
  EXPECT_EQ(got.at(2).status, TrialOutcome::Ok);
}

TEST_F(ProcessExecutorTest, WhatAMetricPrintsOnStdoutDoesNotReachTheProtocol) {
  ProcessExecutor ex(worker({"--noise", "n"}), 1);
  auto got = run(ex, requests({"n"}));
  EXPECT_EQ(got.at(0).status, TrialOutcome::Ok) << got.at(0).error;
}

TEST_F(ProcessExecutorTest, AWorkerThatCannotStartIsAnErrorNamingTheCommand) {
  ProcessExecutor ex(worker({"--fail-start"}), 2);
  EXPECT_HWNAS_ERROR(run(ex, requests({"a", "b"})), "the worker exited with code 3 before it was ready");
  ProcessExecutor missing({"/nonexistent/trial-worker"}, 1);
  EXPECT_HWNAS_ERROR(run(missing, requests({"a"})),
                     "worker command '/nonexistent/trial-worker': cannot run it: No such file or directory");
}

TEST_F(ProcessExecutorTest, AnOnDoneThatThrowsKillsTheTrialsInFlight) {
  ProcessExecutor ex(worker({"--hang", "h"}), 2);
  EXPECT_HWNAS_ERROR(ex.run(requests({"a", "h", "c"}), [](TrialResult) { throw Error("trials.db", "disk full"); }),
                     "disk full");
  auto got = run(ex, requests({"x"}));  // still usable
  EXPECT_EQ(got.at(0).status, TrialOutcome::Ok);
}

}  // namespace
}  // namespace hwnas::exp
