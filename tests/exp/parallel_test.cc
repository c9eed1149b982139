#include "hwnas/exp/parallel.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::exp {
namespace {

Task returns(int64_t id, int sleep_ms = 0) {
  return [id, sleep_ms] {
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    search::Trial t;
    t.id = id;
    return t;
  };
}

TEST(Parallel, ReportsEveryTaskOnceOnTheCallingThread) {
  std::vector<Task> tasks;
  for (int i = 0; i < 20; ++i) tasks.push_back(returns(i, i % 3));
  std::vector<int> seen(20, 0);
  const auto caller = std::this_thread::get_id();
  run_parallel(std::move(tasks), 4, 0, [&](size_t i, TaskOutcome o) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    ASSERT_TRUE(o.trial);
    EXPECT_EQ(o.trial->id, static_cast<int64_t>(i));
    EXPECT_TRUE(o.error.empty());
    ++seen[i];
  });
  for (int s : seen) EXPECT_EQ(s, 1);
}

TEST(Parallel, RunsTasksConcurrently) {
  std::atomic<int> running{0}, peak{0};
  std::vector<Task> tasks;
  for (int i = 0; i < 4; ++i)
    tasks.push_back([&] {
      const int now = ++running;
      for (int p = peak; now > p && !peak.compare_exchange_weak(p, now);) {}
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      --running;
      return search::Trial{};
    });
  run_parallel(std::move(tasks), 4, 0, [](size_t, TaskOutcome) {});
  EXPECT_GE(peak.load(), 2);  // 4 sleeping tasks on 4 threads overlap
}

TEST(Parallel, AThrowingTaskIsReportedWithItsError) {
  std::vector<Task> tasks = {returns(0), [] () -> search::Trial { throw Error("acc.csv", "no such arch"); }, returns(2)};
  std::vector<std::string> errors(3);
  run_parallel(std::move(tasks), 2, 0, [&](size_t i, TaskOutcome o) { errors[i] = o.error; });
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "acc.csv: no such arch");
  EXPECT_EQ(errors[2], "");
}

TEST(Parallel, AHungTaskTimesOutAndTheOthersStillRunOnOneWorker) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  std::vector<Task> tasks = {[release] {
                               while (!*release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                               return search::Trial{};
                             },
                             returns(1), returns(2)};
  std::vector<std::string> errors(3, "unset");
  const auto start = std::chrono::steady_clock::now();
  run_parallel(std::move(tasks), 1, 0.1, [&](size_t i, TaskOutcome o) { errors[i] = o.error; });
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(errors[0], "timed out after 0.1 s (trial_timeout_s)");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(errors[2], "");
  EXPECT_LT(took, 2.0);
  *release = true;  // lets the abandoned thread end
}

}  // namespace
}  // namespace hwnas::exp

namespace hwnas::exp {
namespace {

TEST(Parallel, AnErrorInTheCallbackCancelsTheRestAndLeavesNoThreadBehind) {
  std::atomic<int> ran{0};
  std::vector<Task> tasks;
  for (int i = 0; i < 50; ++i)
    tasks.push_back([&ran] {
      ++ran;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      return search::Trial{};
    });
  EXPECT_HWNAS_ERROR(run_parallel(std::move(tasks), 2, 0, [](size_t, TaskOutcome) { throw Error("trials.db", "disk full"); }),
                     "trials.db: disk full");
  EXPECT_LT(ran.load(), 50);  // queued tasks were cancelled (and the process did not terminate)
}

}  // namespace
}  // namespace hwnas::exp
