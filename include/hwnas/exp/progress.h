#pragma once
// exp::ProgressPrinter: shows a running search. On a terminal, one line redrawn in place
// (at most 10 times a second): a bar, trials done / budget, trials/s, ETA, the best value so
// far per objective and the size of the Pareto front. Elsewhere (CI logs, files), a plain
// line every `every` trials and at the end, so logs stay short and greppable.
//
//   exp::ProgressPrinter printer(stderr, isatty(fileno(stderr)));
//   exp::run_experiment(e, {.on_progress = [&](const exp::Progress& p) { printer.update(p); }});
#include <chrono>
#include <cstdio>
#include <string>

#include "hwnas/exp/runner.h"

namespace hwnas::exp {

class ProgressPrinter {
 public:
  ProgressPrinter(std::FILE* out, bool terminal, int every = 25) : out_(out), terminal_(terminal), every_(every) {}
  void update(const Progress& p);

  // The text of one progress line (without bar or newline); exposed for tests.
  static std::string line(const Progress& p);

 private:
  std::FILE* out_;
  bool terminal_;
  int every_;
  int last_printed_ = -1;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace hwnas::exp
