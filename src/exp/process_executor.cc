#include "hwnas/exp/process_executor.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>

#include <poll.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "child_process.h"
#include "hwnas/core/error.h"
#include "hwnas/core/subprocess.h"

namespace hwnas::exp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxLine = 1 << 20;  // a result line longer than this is garbage
constexpr double kExitGrace_s = 1.0;  // how long a worker that closed its output may take to exit

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string excerpt(std::string_view text) {
  return text.size() <= 200 ? std::string(text) : fmt::format("{}... ({} bytes)", text.substr(0, 200), text.size());
}

}  // namespace

struct ProcessExecutor::Worker {
  enum class State { Starting, Idle, Busy };
  std::unique_ptr<ChildProcess> process;
  State state = State::Starting;
  Clock::time_point since = Clock::now();  // spawned, or given its request
  std::string buffer;                      // output not yet split into lines
  size_t request = 0;                      // index into the batch, when Busy
  bool dead = false;                       // killed and reaped: to be removed from the pool
};

ProcessExecutor::ProcessExecutor(std::vector<std::string> command, int workers,
                                 std::map<std::string, std::string> expected_metrics, double startup_timeout_s)
    : command_(std::move(command)),
      workers_(std::max(1, workers)),
      expected_metrics_(std::move(expected_metrics)),
      startup_timeout_s_(startup_timeout_s) {
  if (command_.empty()) fail("executor", "the process executor needs a worker command");
}

ProcessExecutor::~ProcessExecutor() {
  // Ask politely (end of input), all at once, then make sure: ChildProcess kills and reaps.
  for (auto& w : pool_) w->process->close_input();
  for (auto& w : pool_) w->process->reap(kExitGrace_s);
}

std::string ProcessExecutor::describe() const {
  return fmt::format("{} worker process{}", workers_, workers_ == 1 ? "" : "es");
}

std::vector<pid_t> ProcessExecutor::worker_pids() const {
  std::vector<pid_t> pids;
  for (const auto& w : pool_) pids.push_back(w->process->pid());
  return pids;
}

void ProcessExecutor::spawn() {
  auto w = std::make_unique<Worker>();
  w->process = ChildProcess::spawn(command_);
  pool_.push_back(std::move(w));
}

void ProcessExecutor::run(const std::vector<TrialRequest>& requests, const std::function<void(TrialResult)>& on_done) {
  const std::string who = fmt::format("executor: worker command '{}'", fmt::join(command_, " "));
  std::deque<size_t> queue;
  for (size_t i = 0; i < requests.size(); ++i) queue.push_back(i);
  size_t reported = 0;

  // If we leave early (on_done threw, a worker would not start), the trials in flight are
  // abandoned: their workers are killed now rather than answer a batch nobody reads.
  struct AbandonBusy {
    std::vector<std::unique_ptr<Worker>>& pool;
    ~AbandonBusy() {
      std::erase_if(pool, [](const auto& w) { return w->dead || w->state == Worker::State::Busy; });
    }
  } abandon{pool_};

  std::vector<TrialResult> done;  // finished in this pass, reported at its end
  const auto finish = [&](Worker& w, TrialResult r) {
    r.id = requests[w.request].id;
    done.push_back(std::move(r));
    w.state = Worker::State::Idle;
  };
  const auto bury = [&](Worker& w, int status) {
    w.dead = true;
    if (w.state == Worker::State::Starting)
      fail(who, "the worker {} before it was ready (its error, if any, is above)", describe_wait_status(status));
    if (w.state == Worker::State::Busy) {
      TrialResult r;
      r.status = TrialOutcome::Crashed;
      r.error = fmt::format("the worker process {} during the trial", describe_wait_status(status));
      r.seconds = seconds_since(w.since);
      finish(w, std::move(r));
    }
  };
  // One complete line from worker `w`; false when the worker is broken and was killed.
  const auto on_line = [&](Worker& w, std::string_view line) {
    if (w.state == Worker::State::Starting) {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object() || j.value("ready", false) != true) {
        w.process->kill_and_reap();
        w.dead = true;
        fail(who, "does not speak the trial protocol: its first line is '{}', not {{\"ready\":true}}", excerpt(line));
      }
      // Its metrics must be ours: a worker started after the experiment file was edited would
      // give other figures under the same names.
      const nlohmann::json built = j.value("metrics", nlohmann::json::object());
      for (const auto& [name, fingerprint] : expected_metrics_) {
        const std::string theirs =
            built.contains(name) && built[name].is_string() ? built[name].get<std::string>() : "";
        if (theirs == fingerprint) continue;
        w.process->kill_and_reap();
        w.dead = true;
        fail(who,
             "built metric '{}' as '{}', but this search has '{}' (was the experiment file changed during the run?)",
             name, theirs.empty() ? "(none)" : theirs, fingerprint);
      }
      w.state = Worker::State::Idle;
      return true;
    }
    std::optional<TrialResult> r;
    std::string why;
    try {
      r = result_from_json(nlohmann::json::parse(line));
      if (w.state == Worker::State::Busy && r->id != requests[w.request].id)
        why = fmt::format("the result of trial {} where trial {} was asked", r->id, requests[w.request].id);
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (why.empty() && w.state == Worker::State::Busy) {
      finish(w, std::move(*r));
      return true;
    }
    // Nonsense, or output nobody asked for: what the worker thinks it is doing is unknown.
    w.process->kill_and_reap();
    w.dead = true;
    if (w.state == Worker::State::Busy) {
      TrialResult bad;
      bad.status = TrialOutcome::Failed;
      bad.error = fmt::format("the worker process answered '{}', which is not a trial result ({}); it was replaced",
                              excerpt(line), why);
      bad.seconds = seconds_since(w.since);
      finish(w, std::move(bad));
    }
    return false;
  };

  while (reported < requests.size()) {
    // Enough workers for the work queued, up to the pool size (dead ones are replaced here).
    const auto free = static_cast<size_t>(
        std::count_if(pool_.begin(), pool_.end(), [](const auto& w) { return w->state != Worker::State::Busy; }));
    for (size_t f = free; f < queue.size() && pool_.size() < static_cast<size_t>(workers_); ++f) spawn();
    for (auto& w : pool_) {
      if (w->state != Worker::State::Idle || queue.empty()) continue;
      w->request = queue.front();
      queue.pop_front();
      w->state = Worker::State::Busy;
      w->since = Clock::now();
      // A failed send means the worker closed its input: it is gone, or going.
      if (!w->process->send(to_json(requests[w->request]).dump() + "\n")) bury(*w, w->process->reap(kExitGrace_s));
    }
    std::erase_if(pool_, [](const auto& w) { return w->dead; });

    // Sleep until some output, or the earliest deadline.
    std::optional<Clock::time_point> deadline;
    const auto consider = [&](Clock::time_point t) { deadline = deadline ? std::min(*deadline, t) : t; };
    for (const auto& w : pool_) {
      if (w->state == Worker::State::Starting && startup_timeout_s_ > 0)
        consider(w->since + seconds(startup_timeout_s_));
      if (w->state == Worker::State::Busy && requests[w->request].timeout_s > 0)
        consider(w->since + seconds(requests[w->request].timeout_s));
    }
    int wait_ms = -1;
    if (deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      wait_ms = static_cast<int>(std::clamp<int64_t>(left, 0, 60'000));
    }
    std::vector<pollfd> fds;
    for (const auto& w : pool_) fds.push_back({w->process->output_fd(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), wait_ms) < 0) {
      if (errno == EINTR) continue;  // a signal: look again
      fail("executor", "poll: {}", std::strerror(errno));
    }

    for (size_t k = 0; k < fds.size(); ++k) {
      Worker& w = *pool_[k];
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const bool open = w.process->read_some(w.buffer);
      for (size_t nl; !w.dead && (nl = w.buffer.find('\n')) != std::string::npos;) {
        const std::string line = w.buffer.substr(0, nl);
        w.buffer.erase(0, nl + 1);
        on_line(w, line);
      }
      if (!w.dead && w.buffer.size() > kMaxLine) on_line(w, w.buffer);  // no newline in sight: garbage
      if (!w.dead && !open) bury(w, w.process->reap(kExitGrace_s));
    }

    const auto now = Clock::now();
    for (auto& w : pool_) {
      if (w->dead) continue;
      if (w->state == Worker::State::Starting && startup_timeout_s_ > 0 &&
          now >= w->since + seconds(startup_timeout_s_)) {
        w->process->kill_and_reap();
        w->dead = true;
        fail(who, "did not say it was ready within {:.3g} s", startup_timeout_s_);
      }
      const double timeout_s = w->state == Worker::State::Busy ? requests[w->request].timeout_s : 0;
      if (timeout_s > 0 && now >= w->since + seconds(timeout_s)) {
        w->process->kill_and_reap();
        w->dead = true;
        TrialResult r;
        r.status = TrialOutcome::TimedOut;
        r.error = fmt::format("timed out after {:.3g} s (trial_timeout_s); its worker process was killed", timeout_s);
        r.seconds = seconds_since(w->since);
        finish(*w, std::move(r));
      }
    }
    std::erase_if(pool_, [](const auto& w) { return w->dead; });

    for (auto& r : done) {
      ++reported;
      on_done(std::move(r));
    }
    done.clear();
  }
}

}  // namespace hwnas::exp
