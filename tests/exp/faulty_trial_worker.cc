// A trial worker that misbehaves on purpose, for the process executor's tests
// (tests/exp/process_executor_test.cc). It serves the real trial protocol (exp/trial_worker.h)
// with a metric evaluator that fails the way a training run or foreign code can, on the arch
// strings named on the command line:
//
//   faulty_trial_worker [--experiment exp.yaml [--set k=v]...]   # the experiment's metrics, as
//                                                                 # `hwnas trial-worker` serves them
//                       [--hang A] [--hang-with-child A PIDFILE] [--segv A] [--abort A] [--exit A]
//                       [--throw A] [--noise A] [--garbage A] [--fail-start]
//
// Without --experiment every requested metric's value is the sum of the arch string's bytes.
// --noise prints junk to stdout (which serve_trials_on_stdio moves aside); --garbage, the same
// with stdout left as the protocol channel, so the executor reads a line that is not a result.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "hwnas/exp/config.h"
#include "hwnas/exp/trial_evaluator.h"
#include "hwnas/exp/trial_worker.h"

using namespace hwnas;

namespace {

[[noreturn]] void sleep_forever() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

// A real invalid store, so the worker dies of SIGSEGV as foreign code would. Under the
// sanitizers (scripts/sanitize.sh) UBSan would stop at the null store and ASan's SEGV handler
// would turn the signal into exit code 1, so the store is not instrumented and the signal's
// default action is restored first: the executor sees what it sees in production.
[[noreturn, gnu::no_sanitize("undefined")]] void segfault() {
  std::signal(SIGSEGV, SIG_DFL);
  volatile int* null = nullptr;
  *null = 1;
  std::abort();  // not reached
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> fault;  // arch -> what to do
  std::string experiment, pidfile;
  std::vector<std::string> sets;
  bool fail_start = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&] {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "faulty_trial_worker: %s needs a value\n", a.c_str());
        std::exit(64);
      }
      return std::string(argv[++i]);
    };
    if (a == "--experiment") experiment = next();
    else if (a == "--set") sets.push_back(next());
    else if (a == "--fail-start") fail_start = true;
    else if (a == "--hang-with-child") fault[next()] = a, pidfile = next();
    else if (a.rfind("--", 0) == 0) fault[next()] = a;
    else {
      std::fprintf(stderr, "faulty_trial_worker: unknown argument %s\n", a.c_str());
      return 64;
    }
  }
  if (fail_start) {
    std::fprintf(stderr, "faulty_trial_worker: failing at start, as asked\n");
    return 3;
  }
  exp::TrialEvaluator inner = [](const exp::TrialRequest& r) {
    exp::TrialResult res;
    double sum = 0;
    for (unsigned char c : r.arch) sum += c;
    for (const auto& m : r.metrics) res.values[m] = sum;
    return res;
  };
  std::map<std::string, std::string> fingerprints;
  if (!experiment.empty()) {
    const exp::Experiment e = exp::build_experiment(exp::load_config(experiment, sets));
    inner = exp::make_trial_evaluator(e);
    fingerprints = exp::metric_fingerprints(e);
  }

  const auto evaluate = [&](const exp::TrialRequest& r) {
    const auto it = fault.find(r.arch);
    const std::string what = it == fault.end() ? "" : it->second;
    if (what == "--hang") sleep_forever();
    if (what == "--hang-with-child") {
      if (const pid_t child = ::fork(); child == 0) sleep_forever();
      else std::ofstream(pidfile) << child << "\n";
      sleep_forever();
    }
    if (what == "--segv") segfault();
    if (what == "--abort") std::abort();
    if (what == "--exit") std::_Exit(7);
    if (what == "--throw") throw std::runtime_error("thrown on purpose");
    if (what == "--noise" || what == "--garbage") std::printf("this is not JSON\n"), std::fflush(stdout);
    return inner(r);
  };
  for (const auto& [arch, what] : fault)
    if (what == "--garbage") return exp::serve_trials(stdin, stdout, evaluate, fingerprints);
  return exp::serve_trials_on_stdio(evaluate, fingerprints);
}
