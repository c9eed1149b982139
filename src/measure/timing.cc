#include "hwnas/measure/timing.h"

#include <chrono>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::measure {

TimingResult time_samples(const std::function<double()>& run_once_ms, const TimingOptions& o) {
  if (o.min_runs < 1 || o.max_runs < o.min_runs)
    fail("timing", "need 1 <= min_runs ({}) <= max_runs ({})", o.min_runs, o.max_runs);
  if (!(o.budget_s > 0)) fail("timing", "the time budget must be positive, got {} s", o.budget_s);
  if (!(o.confidence > 0 && o.confidence < 1)) fail("timing", "confidence must be in (0, 1), got {}", o.confidence);
  if (!(o.target_rel_ci > 0)) fail("timing", "the CI target must be positive, got {}", o.target_rel_ci);
  if (!(o.max_spread > 0)) fail("timing", "max_spread must be positive, got {}", o.max_spread);

  const double budget_ms = o.budget_s * 1e3;
  TimingResult r;
  double spent_ms = 0;
  for (int i = 0; i < o.warmup_runs && spent_ms < budget_ms; ++i) spent_ms += run_once_ms();

  std::vector<double> samples;
  // Checking the CI sorts the samples, so check at geometrically spaced counts (every ~5%)
  // rather than after every run: the overhead stays O(log n) sorts.
  int next_check = o.min_runs;
  while (static_cast<int>(samples.size()) < o.max_runs) {
    const double t = run_once_ms();
    samples.push_back(t);
    spent_ms += t;
    const int n = static_cast<int>(samples.size());
    const bool out_of_budget = spent_ms >= budget_ms;
    if (n < o.min_runs && !out_of_budget) continue;
    if (n >= next_check || out_of_budget) {
      next_check = n + std::max(1, n / 20);
      r.summary = summarize(samples, o.confidence);
      if (r.summary.ci_rel_half_width() <= o.target_rel_ci) {
        r.converged = true;
        break;
      }
      if (out_of_budget) break;
    }
  }
  if (static_cast<int>(samples.size()) == o.max_runs) r.summary = summarize(samples, o.confidence);
  r.converged = r.summary.ci_rel_half_width() <= o.target_rel_ci;
  const double spread_rel = (r.summary.p90 - r.summary.p10) / r.summary.median;
  const bool spread = !(spread_rel <= o.max_spread);
  r.noisy = !r.converged || spread;
  r.spent_s = spent_ms / 1e3;
  const double hw = r.summary.ci_rel_half_width();
  const std::string ci = std::isinf(hw)
                             ? std::string("no CI of the median (too few runs)")
                             : fmt::format("{:.0f}% CI of the median +-{:.2f}%", o.confidence * 100, hw * 100);
  if (r.converged && !spread) r.note = fmt::format("{} after {} runs", ci, r.summary.runs);
  else if (r.converged)
    r.note = fmt::format(
        "noisy: {} after {} runs, but p10-p90 spans {:.0f}% of the median (> {:.0f}%; "
        "p10 {:.3g} ms, p90 {:.3g} ms): other load on the machine inflates the median",
        ci, r.summary.runs, spread_rel * 100, o.max_spread * 100, r.summary.p10, r.summary.p90);
  else
    r.note = fmt::format("noisy: {} after {} runs, target +-{:.2f}% not reached ({}; CV {:.1f}%)", ci, r.summary.runs,
                         o.target_rel_ci * 100,
                         static_cast<int>(samples.size()) == o.max_runs ? "run limit" : "time budget spent",
                         r.summary.cv * 100);
  return r;
}

TimingResult time_function(const std::function<void()>& fn, const TimingOptions& o) {
  return time_samples(
      [&] {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      },
      o);
}

}  // namespace hwnas::measure
