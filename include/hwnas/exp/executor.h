#pragma once
// exp::Executor: runs trials (exp/trial_request.h) somewhere and hands each result back ON THE
// CALLING THREAD as soon as it is ready, so the runner commits it to the trial store before it
// hears of the next. Where the trials run is the implementation's business:
//
//   ThreadExecutor   worker threads in this process (exp/thread_executor.h); a trial past its
//                    timeout is abandoned, its thread left to finish (a thread cannot be killed)
//   ProcessExecutor  a pool of worker processes (exp/process_executor.h); a trial that crashes its
//                    worker or runs past its timeout is recorded, the worker killed and replaced
//
//   auto ex = exp::make_executor(config.executor, exp::make_trial_evaluator(experiment), worker_cmd);
//   ex->run(requests, [&](exp::TrialResult r) { store.add(...); });
//
// Whatever happens to an evaluation (throws, hangs, crashes), run() reports every request
// exactly once, in completion order, with the status saying what happened. run() itself throws
// only when trials cannot be run at all (a worker command that does not start) or when on_done
// throws; the executor stays usable after either.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/exp/trial_request.h"

namespace hwnas::exp {

// The experiment file's `executor:` section (exp/config.h).
struct ExecutorConfig {
  enum class Kind { Thread, Process };
  Kind kind = Kind::Thread;
  int workers = 1;             // threads or worker processes
  double trial_timeout_s = 0;  // 0: no timeout
};
std::string_view executor_kind_name(ExecutorConfig::Kind k);

// Evaluates one request in the calling thread or process. Must be thread-safe for the thread
// executor; it reports a metric's exception as a Failed result rather than throwing.
using TrialEvaluator = std::function<TrialResult(const TrialRequest&)>;

class Executor {
 public:
  virtual ~Executor() = default;
  // "2 threads", "2 worker processes": for the search banner.
  virtual std::string describe() const = 0;
  virtual void run(const std::vector<TrialRequest>& requests, const std::function<void(TrialResult)>& on_done) = 0;
};

// The executor the experiment file asks for (executor.kind). The process executor runs
// `worker_command` (argv; e.g. {"/usr/bin/hwnas", "trial-worker", "exp.yaml"}), which must
// serve trials with exp::serve_trials (exp/trial_worker.h); the thread executor uses `evaluator`.
// `metrics` (name -> fingerprint) is what the workers must say they built.
std::unique_ptr<Executor> make_executor(const ExecutorConfig& config, TrialEvaluator evaluator,
                                        const std::vector<std::string>& worker_command,
                                        const std::map<std::string, std::string>& metrics = {});

}  // namespace hwnas::exp
