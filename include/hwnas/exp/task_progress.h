#pragma once
// exp::TaskProgress: a progress line with a bar, a rate and an ETA for any long counted task
// (evaluating a dataset, an epoch of training). On a terminal, one line redrawn in place at
// most 10 times a second; elsewhere (CI logs, files) a plain line at every 10% and at the end.
// (exp::ProgressPrinter, progress.h, is the one of a search.)
//
//   exp::TaskProgress bar(stderr, isatty(fileno(stderr)), "evaluating", "examples");
//   for (...) bar.update(done, total);   // the last call, done == total, ends the line
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace hwnas::exp {

class TaskProgress {
 public:
  TaskProgress(std::FILE* out, bool terminal, std::string what, std::string unit);
  void update(int64_t done, int64_t total);

  // The text of one line (no bar, no newline) after `elapsed_s`; exposed for tests:
  // "evaluating 500/2,000 examples | 250.0 examples/s, ETA 6 s".
  static std::string line(const std::string& what, const std::string& unit, int64_t done, int64_t total,
                          double elapsed_s);

 private:
  std::FILE* out_;
  bool terminal_;
  std::string what_, unit_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_draw_{};
  int last_tenth_ = -1;
};

}  // namespace hwnas::exp
