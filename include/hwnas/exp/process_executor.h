#pragma once
// exp::ProcessExecutor: evaluates trials in a pool of worker processes, so that a trial that
// hangs or crashes costs that trial only. Each worker is `command` (argv, run with fork+exec in
// a process group of its own) speaking the trial protocol of exp/trial_worker.h on its stdin and
// stdout: it first says {"ready":true} with the metrics it built, then answers each request line with a result line.
//
//   exp::ProcessExecutor ex({"/usr/bin/hwnas", "trial-worker", "/abs/exp.yaml"}, /*workers=*/2);
//   ex.run(requests, [&](exp::TrialResult r) { ... });   // on this thread, in completion order
//
// What can go wrong with a trial, and what is recorded (the search goes on each time):
//   the worker dies (segfault, abort, exit)  Crashed, "the worker process was killed by signal 11
//                                            (SIGSEGV: Segmentation fault) during the trial"
//   it runs past the request's timeout_s     TimedOut; the worker's whole process group gets
//                                            SIGKILL and is reaped
//   it answers with something not a result   Failed, with the text; the worker is killed
// A dead or killed worker is replaced when there is work for it. Workers live from the first
// run() to the destructor (starting one rebuilds the experiment's metrics), which closes their
// stdin, gives them a moment to exit, then kills and reaps what is left: no zombie, no orphan,
// and no thread is ever started. A worker that fails to start (exits, or says nothing within
// startup_timeout_s) cannot run any trial: run() throws, naming the command.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "hwnas/exp/executor.h"

namespace hwnas::exp {

class ProcessExecutor : public Executor {
 public:
  // `expected_metrics` (name -> fingerprint): a worker must say it built these, else run()
  // throws; empty: no check.
  ProcessExecutor(std::vector<std::string> command, int workers,
                  std::map<std::string, std::string> expected_metrics = {}, double startup_timeout_s = 120);
  ~ProcessExecutor() override;
  std::string describe() const override;
  void run(const std::vector<TrialRequest>& requests, const std::function<void(TrialResult)>& on_done) override;

  std::vector<pid_t> worker_pids() const;  // the live workers (for tests and diagnostics)

 private:
  struct Worker;
  void spawn();
  std::vector<std::string> command_;
  int workers_;
  std::map<std::string, std::string> expected_metrics_;
  double startup_timeout_s_;
  std::vector<std::unique_ptr<Worker>> pool_;
};

}  // namespace hwnas::exp
