#include "hwnas/exp/parallel.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace hwnas::exp {
namespace {

using Clock = std::chrono::steady_clock;

enum class State { Queued, Running, Done, Abandoned };

// Shared by the caller and the workers; workers keep it alive after an abandoned batch.
struct Batch {
  std::mutex m;
  std::condition_variable cv;
  std::vector<Task> tasks;
  std::vector<State> state;
  std::vector<Clock::time_point> started;
  std::vector<TaskOutcome> outcome;
  std::deque<size_t> finished;  // done, not yet reported
  size_t next = 0;
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void worker(std::shared_ptr<Batch> b) {
  std::unique_lock lock(b->m);
  while (b->next < b->tasks.size()) {
    const size_t i = b->next++;
    b->state[i] = State::Running;
    b->started[i] = Clock::now();
    b->cv.notify_all();  // the caller now has a deadline to watch
    lock.unlock();
    TaskOutcome o;
    try {
      o.trial = b->tasks[i]();
    } catch (const std::exception& e) {
      o.error = e.what();
    } catch (...) {
      o.error = "unknown exception";
    }
    lock.lock();
    if (b->state[i] == State::Abandoned) continue;  // timed out: already reported
    o.seconds = seconds_since(b->started[i]);
    b->outcome[i] = std::move(o);
    b->state[i] = State::Done;
    b->finished.push_back(i);
    b->cv.notify_all();
  }
}

}  // namespace

void run_parallel(std::vector<Task> tasks, int workers, double timeout_s,
                  const std::function<void(size_t, TaskOutcome)>& on_done) {
  const size_t n = tasks.size();
  if (n == 0) return;
  auto b = std::make_shared<Batch>();
  b->tasks = std::move(tasks);
  b->state.assign(n, State::Queued);
  b->started.resize(n);
  b->outcome.resize(n);
  std::vector<std::thread> joinable;  // joined at the end unless a task was abandoned
  const size_t threads = std::min<size_t>(std::max(1, workers), n);
  for (size_t t = 0; t < threads; ++t) joinable.emplace_back(worker, b);
  bool abandoned_any = false;
  const auto timeout = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));

  // Whatever happens below (on_done may throw, e.g. a full disk), no thread is left joinable:
  // queued tasks are cancelled, finished threads joined, possibly stuck ones detached.
  struct Finish {
    Batch& b;
    std::vector<std::thread>& threads;
    bool& abandoned;
    ~Finish() {
      {
        std::lock_guard g(b.m);
        b.next = b.tasks.size();
      }
      for (auto& t : threads) abandoned ? t.detach() : t.join();
    }
  } finish{*b, joinable, abandoned_any};

  std::unique_lock lock(b->m);
  for (size_t reported = 0; reported < n;) {
    if (!b->finished.empty()) {
      const size_t i = b->finished.front();
      b->finished.pop_front();
      TaskOutcome o = std::move(b->outcome[i]);
      lock.unlock();
      on_done(i, std::move(o));
      lock.lock();
      ++reported;
      continue;
    }
    if (timeout_s <= 0) {
      b->cv.wait(lock, [&] { return !b->finished.empty(); });
      continue;
    }
    // Abandon overdue tasks; otherwise sleep until the earliest deadline or a result.
    auto next_deadline = Clock::now() + std::chrono::seconds(1);  // re-check at least each second
    for (size_t i = 0; i < n; ++i) {
      if (b->state[i] != State::Running) continue;
      const auto deadline = b->started[i] + timeout;
      if (Clock::now() < deadline) {
        next_deadline = std::min(next_deadline, deadline);
        continue;
      }
      b->state[i] = State::Abandoned;
      abandoned_any = true;
      TaskOutcome o;
      o.error = fmt::format("timed out after {:.3g} s (trial_timeout_s)", timeout_s);
      o.seconds = seconds_since(b->started[i]);
      if (b->next < n) std::thread(worker, b).detach();  // replaces the stuck thread
      lock.unlock();
      on_done(i, std::move(o));
      lock.lock();
      ++reported;
    }
    if (reported < n && b->finished.empty()) b->cv.wait_until(lock, next_deadline);
  }
}

}  // namespace hwnas::exp
