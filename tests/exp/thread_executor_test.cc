#include "hwnas/exp/thread_executor.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::exp {
namespace {

std::vector<TrialRequest> requests(int n, double timeout_s = 0) {
  std::vector<TrialRequest> r;
  for (int i = 0; i < n; ++i)
    r.push_back({.id = 100 + i, .arch = std::to_string(i), .metrics = {"m"}, .timeout_s = timeout_s});
  return r;
}

// Value: the arch string as a number, after sleeping that many milliseconds modulo 3.
TrialResult sleepy(const TrialRequest& r) {
  const int i = std::stoi(r.arch);
  std::this_thread::sleep_for(std::chrono::milliseconds(i % 3));
  TrialResult res;
  res.values["m"] = i;
  return res;
}

TEST(ThreadExecutor, ReportsEveryTrialOnceOnTheCallingThread) {
  ThreadExecutor ex(sleepy, 4);
  EXPECT_EQ(ex.describe(), "4 threads");
  std::map<int64_t, int> seen;
  const auto caller = std::this_thread::get_id();
  ex.run(requests(20), [&](TrialResult r) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    EXPECT_EQ(r.status, TrialOutcome::Ok);
    EXPECT_EQ(r.values.at("m"), static_cast<double>(r.id - 100));
    ++seen[r.id];
  });
  ASSERT_EQ(seen.size(), 20u);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
}

TEST(ThreadExecutor, RunsTrialsConcurrently) {
  std::atomic<int> running{0}, peak{0};
  ThreadExecutor ex(
      [&](const TrialRequest&) {
        const int now = ++running;
        for (int p = peak; now > p && !peak.compare_exchange_weak(p, now);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        --running;
        return TrialResult{};
      },
      4);
  ex.run(requests(4), [](TrialResult) {});
  EXPECT_GE(peak.load(), 2);  // 4 sleeping trials on 4 threads overlap
}

TEST(ThreadExecutor, AThrowingEvaluatorFailsItsTrialOnly) {
  ThreadExecutor ex(
      [](const TrialRequest& r) -> TrialResult {
        if (r.arch == "1") throw Error("acc.csv", "no such arch");
        return sleepy(r);
      },
      2);
  std::map<int64_t, TrialResult> got;
  ex.run(requests(3), [&](TrialResult r) { got[r.id] = r; });
  EXPECT_EQ(got.at(100).status, TrialOutcome::Ok);
  EXPECT_EQ(got.at(101).status, TrialOutcome::Failed);
  EXPECT_EQ(got.at(101).error, "acc.csv: no such arch");
  EXPECT_EQ(got.at(102).status, TrialOutcome::Ok);
}

TEST(ThreadExecutor, AHungTrialTimesOutAndTheOthersStillRunOnOneWorker) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  ThreadExecutor ex(
      [release](const TrialRequest& r) {
        if (r.arch == "0")
          while (!*release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return sleepy(r);
      },
      1);
  std::map<int64_t, TrialResult> got;
  const auto start = std::chrono::steady_clock::now();
  ex.run(requests(3, 0.1), [&](TrialResult r) { got[r.id] = r; });
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(got.at(100).status, TrialOutcome::TimedOut);
  EXPECT_EQ(got.at(100).error, "timed out after 0.1 s (trial_timeout_s)");
  EXPECT_EQ(got.at(101).status, TrialOutcome::Ok);
  EXPECT_EQ(got.at(102).status, TrialOutcome::Ok);
  EXPECT_LT(took, 2.0);
  *release = true;  // lets the abandoned thread end (a thread cannot be killed: see ProcessExecutor)
}

TEST(ThreadExecutor, AnOnDoneThatThrowsLeavesNoThreadRunning) {
  ThreadExecutor ex(sleepy, 2);
  EXPECT_THROW(ex.run(requests(10), [](TrialResult) { throw Error("trials.db", "disk full"); }), Error);
  int calls = 0;
  ex.run(requests(3), [&](TrialResult) { ++calls; });  // still usable
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace hwnas::exp
