#include "hwnas/measure/robust_timing.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::measure {

double statistic_value(const Summary& s, const std::string& statistic) {
  if (statistic == "median") return s.median;
  if (statistic == "p10") return s.p10;
  if (statistic == "min") return s.min;
  fail("timing statistic '" + statistic + "'", "is not one of median, p10, min");
}

void check_statistic(const std::string& statistic) { statistic_value(Summary{}, statistic); }

std::vector<RoundedTiming> time_interleaved(size_t n, int rounds,
                                            const std::function<TimingResult(size_t item, int round)>& time,
                                            const std::string& statistic) {
  if (rounds < 1) fail("interleaved timing", "rounds must be at least 1, got {}", rounds);
  check_statistic(statistic);
  std::vector<RoundedTiming> out(n);
  std::vector<int> clean(n, 0);
  for (int r = 0; r < rounds; ++r)
    for (size_t k = 0; k < n; ++k) {
      const size_t i = (static_cast<size_t>(r) + k) % n;
      const TimingResult t = time(i, r);
      out[i].round_ms.push_back(statistic_value(t.summary, statistic));
      out[i].runs += t.summary.runs;
      clean[i] += t.noisy ? 0 : 1;
    }
  for (size_t i = 0; i < n; ++i) {
    RoundedTiming& t = out[i];
    const auto [lo, hi] = std::minmax_element(t.round_ms.begin(), t.round_ms.end());
    t.ms = *lo;
    t.spread = *lo > 0 ? *hi / *lo - 1 : 0.0;
    t.noisy = clean[i] == 0;
    t.note = rounds == 1 ? fmt::format("{} of {} runs", statistic, t.runs)
                         : fmt::format("lowest of {} interleaved round {}s (spread {:.1f}%), {} runs", rounds,
                                       statistic, 100 * t.spread, t.runs);
  }
  return out;
}

}  // namespace hwnas::measure
