#pragma once
// The timing protocol: warm up, then repeat until the 95% confidence interval of the median
// is within +-1% of the median, or the time budget runs out. A run that ends on the budget
// is reported as noisy (with the interval it did reach) instead of as a confident number.
// So is a run whose spread (p90 - p10) / median exceeds max_spread: with enough runs the
// median of a loaded machine converges too, but to a figure inflated by the other load. The
// spread is judged on percentiles, not on the CV, because one preemption of 20 ms among
// 35 us runs makes the CV 700% while leaving every percentile (and the median) intact.
//
//   measure::TimingOptions o;              // 95% CI within +-1%, 10 s budget
//   measure::TimingResult r = measure::time_function([&] { model->invoke(); }, o);
//   r.summary.median; r.noisy; r.note;
//
// time_samples() takes any source of per-run times, so the protocol is tested on synthetic
// samples with known answers, without timing anything.
#include <functional>
#include <string>

#include "hwnas/measure/statistics.h"

namespace hwnas::measure {

struct TimingOptions {
  int warmup_runs = 3;  // untimed runs first (caches, page faults, lazy packing)
  int min_runs = 10;    // never stop before this many timed runs
  int max_runs = 100000;
  double budget_s = 10.0;  // total measured time (warm-up included) before giving up
  double confidence = 0.95;
  double target_rel_ci = 0.01;  // stop when the CI half-width <= this fraction of the median
  double max_spread = 0.20;     // (p90 - p10) / median above this is flagged noisy
};

struct TimingResult {
  Summary summary;
  bool converged = false;  // the CI target was met
  bool noisy = false;      // not converged, or spread > max_spread: the median is not a confident number
  double spent_s = 0;      // sum of warm-up and timed run times
  std::string note;        // why it stopped, e.g. "95% CI of the median +-0.4% after 57 runs"
};

// Runs `run_once_ms` (which performs one run and returns its time in ms) under the
// protocol. Error on invalid options.
TimingResult time_samples(const std::function<double()>& run_once_ms, const TimingOptions& o);

// time_samples() around `fn`, timed with std::chrono::steady_clock.
TimingResult time_function(const std::function<void()>& fn, const TimingOptions& o);

}  // namespace hwnas::measure
