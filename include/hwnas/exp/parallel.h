#pragma once
// exp::run_parallel: runs a batch of evaluation tasks on worker threads and hands each result
// back ON THE CALLING THREAD as soon as it is ready (so the caller can commit it to the trial
// store before reporting the next). A task that throws is reported with its error; a task
// still running after `timeout_s` is abandoned (reported as timed out, its thread left to
// finish in the background and its result dropped) and a fresh thread takes over the
// remaining tasks, so one hung evaluation never hangs the search. Tasks must therefore own
// (share) everything they use.
//
//   exp::run_parallel(tasks, /*workers=*/2, /*timeout_s=*/60, [&](size_t i, exp::TaskOutcome o) {
//     if (o.error.empty()) store.add(*o.trial, ...); else ...;
//   });
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/search/strategy.h"

namespace hwnas::exp {

struct TaskOutcome {
  std::optional<search::Trial> trial;  // set when the task returned
  std::string error;                   // set when it threw or timed out
  double seconds = 0;                  // wall time until it returned, threw or was abandoned
};

using Task = std::function<search::Trial()>;

// timeout_s <= 0: no timeout. Calls on_done exactly once per task, in completion order.
void run_parallel(std::vector<Task> tasks, int workers, double timeout_s,
                  const std::function<void(size_t, TaskOutcome)>& on_done);

}  // namespace hwnas::exp
