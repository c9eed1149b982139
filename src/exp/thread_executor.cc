#include "hwnas/exp/thread_executor.h"

#include <algorithm>
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
  TrialEvaluator evaluator;
  std::vector<TrialRequest> requests;
  std::vector<State> state;
  std::vector<Clock::time_point> started;
  std::vector<TrialResult> result;
  std::deque<size_t> finished;  // done, not yet reported
  size_t next = 0;
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void worker(std::shared_ptr<Batch> b) {
  std::unique_lock lock(b->m);
  while (b->next < b->requests.size()) {
    const size_t i = b->next++;
    b->state[i] = State::Running;
    b->started[i] = Clock::now();
    b->cv.notify_all();  // the caller now has a deadline to watch
    lock.unlock();
    TrialResult r;
    try {
      r = b->evaluator(b->requests[i]);
    } catch (const std::exception& e) {  // an evaluator should not throw; if it does, the trial failed
      r.status = TrialOutcome::Failed;
      r.error = e.what();
    } catch (...) {
      r.status = TrialOutcome::Failed;
      r.error = "unknown exception";
    }
    lock.lock();
    if (b->state[i] == State::Abandoned) continue;  // timed out: already reported
    r.id = b->requests[i].id;
    r.seconds = seconds_since(b->started[i]);
    b->result[i] = std::move(r);
    b->state[i] = State::Done;
    b->finished.push_back(i);
    b->cv.notify_all();
  }
}

}  // namespace

ThreadExecutor::ThreadExecutor(TrialEvaluator evaluator, int workers)
    : evaluator_(std::move(evaluator)), workers_(std::max(1, workers)) {}

std::string ThreadExecutor::describe() const { return fmt::format("{} thread{}", workers_, workers_ == 1 ? "" : "s"); }

void ThreadExecutor::run(const std::vector<TrialRequest>& requests, const std::function<void(TrialResult)>& on_done) {
  const size_t n = requests.size();
  if (n == 0) return;
  auto b = std::make_shared<Batch>();
  b->evaluator = evaluator_;
  b->requests = requests;
  b->state.assign(n, State::Queued);
  b->started.resize(n);
  b->result.resize(n);
  std::vector<std::thread> joinable;  // joined at the end unless a trial was abandoned
  const size_t threads = std::min<size_t>(workers_, n);
  for (size_t t = 0; t < threads; ++t) joinable.emplace_back(worker, b);
  bool abandoned_any = false;

  // Whatever happens below (on_done may throw, e.g. a full disk), no thread is left joinable:
  // queued trials are cancelled, finished threads joined, possibly stuck ones detached.
  struct Finish {
    Batch& b;
    std::vector<std::thread>& threads;
    bool& abandoned;
    ~Finish() {
      {
        std::lock_guard g(b.m);
        b.next = b.requests.size();
      }
      for (auto& t : threads) abandoned ? t.detach() : t.join();
    }
  } finish{*b, joinable, abandoned_any};

  std::unique_lock lock(b->m);
  for (size_t reported = 0; reported < n;) {
    if (!b->finished.empty()) {
      const size_t i = b->finished.front();
      b->finished.pop_front();
      TrialResult r = std::move(b->result[i]);
      lock.unlock();
      on_done(std::move(r));
      lock.lock();
      ++reported;
      continue;
    }
    // Abandon overdue trials; otherwise sleep until the earliest deadline or a result.
    auto next_deadline = Clock::now() + std::chrono::seconds(1);  // re-check at least each second
    bool any_deadline = false;
    for (size_t i = 0; i < n; ++i) {
      const double timeout_s = b->requests[i].timeout_s;
      if (b->state[i] != State::Running || timeout_s <= 0) continue;
      any_deadline = true;
      const auto deadline =
          b->started[i] + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
      if (Clock::now() < deadline) {
        next_deadline = std::min(next_deadline, deadline);
        continue;
      }
      b->state[i] = State::Abandoned;
      abandoned_any = true;
      TrialResult r;
      r.id = b->requests[i].id;
      r.status = TrialOutcome::TimedOut;
      r.error = fmt::format("timed out after {:.3g} s (trial_timeout_s)", timeout_s);
      r.seconds = seconds_since(b->started[i]);
      if (b->next < n) std::thread(worker, b).detach();  // replaces the stuck thread
      lock.unlock();
      on_done(std::move(r));
      lock.lock();
      ++reported;
    }
    if (reported == n || !b->finished.empty()) continue;
    // No running trial with a timeout: a queued one may start and bring a deadline, which the
    // worker announces with notify_all, so waiting for any change is enough.
    if (any_deadline) b->cv.wait_until(lock, next_deadline);
    else b->cv.wait(lock);
  }
}

}  // namespace hwnas::exp
