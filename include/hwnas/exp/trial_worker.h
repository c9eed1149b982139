#pragma once
// exp::serve_trials: the loop of a worker process of the ProcessExecutor (exp/process_executor.h).
// The protocol, one JSON object per line (exp/trial_request.h for the fields):
//
//   worker -> executor   {"ready":true,"metrics":{"accuracy":"<fingerprint>"}}   once its
//                        evaluator is built; the executor checks them against its own
//   executor -> worker   {"id":3,"arch":"...","metrics":["accuracy"],"epochs":0,"timeout_s":60}
//   worker -> executor   {"id":3,"status":"ok","values":{"accuracy":91.5},"error":"","seconds":0.001}
//   ... one result per request, in order; end of input: the worker exits 0.
//
// The evaluator is a parameter so that any program can be a worker: `hwnas trial-worker
// exp.yaml` serves an experiment's metrics (exp/trial_evaluator.h); a test worker serves metrics
// that hang or crash on purpose.
//
//   int main() { return exp::serve_trials_on_stdio(exp::make_trial_evaluator(e)); }
#include <cstdio>
#include <map>
#include <string>

#include "hwnas/exp/executor.h"

namespace hwnas::exp {

// Serves requests read from `in` with results written to `out` until end of input. Returns
// the process exit code: 0 at end of input, 2 on a request that is not valid JSON (reported on
// stderr: the executor never sends one, so something else is talking to us).
// `metrics`: name -> fingerprint of the metrics it serves (exp/trial_evaluator.h), for the
// executor to check that the worker built what the search did.
int serve_trials(std::FILE* in, std::FILE* out, const TrialEvaluator& evaluate,
                 const std::map<std::string, std::string>& metrics = {});

// serve_trials on stdin and stdout, with stdout moved aside first: the protocol gets a private
// copy of it and file descriptor 1 becomes stderr, so a library that prints to stdout cannot
// corrupt the results.
int serve_trials_on_stdio(const TrialEvaluator& evaluate, const std::map<std::string, std::string>& metrics = {});

}  // namespace hwnas::exp
