#pragma once
// Load-robust figures for measurements that must describe the quiet machine even when they
// are taken on a busy one (building a latency predictor on a workstation that compiles).
// Other load only ever adds time, and the load of a parallel build comes and goes; so:
//  - statistic_value(): the figure of one timing run: its median, or a low quantile (p10) or
//    the minimum, which the slow runs that coincided with other load do not move;
//  - time_interleaved(): each of several items timed in `rounds` rounds, one item after the
//    other in a rotating order, spread over time; an item's figure is the lowest of its round
//    figures, so a round that fell into a burst of other load is discarded. Its note says
//    which statistic, how many rounds and how far they spread (the honesty rule).
//
//   std::vector<measure::RoundedTiming> t = measure::time_interleaved(graphs.size(), 3,
//       [&](size_t i, int round) { return measure::measure_model(graphs[i], o).timing; });
//   t[0].ms; t[0].round_ms; t[0].note;   // "lowest of 3 interleaved round medians (spread 1.2%), 212 runs"
#include <functional>
#include <string>
#include <vector>

#include "hwnas/measure/statistics.h"
#include "hwnas/measure/timing.h"

namespace hwnas::measure {

// "median" | "p10" | "min" of a summary. Throws hwnas::Error naming the choices otherwise.
double statistic_value(const Summary& s, const std::string& statistic);
// Throws unless `statistic` is one statistic_value() knows.
void check_statistic(const std::string& statistic);

struct RoundedTiming {
  double ms = 0;                 // the lowest round figure
  std::vector<double> round_ms;  // per round, in round order
  double spread = 0;             // highest / lowest round figure - 1
  int runs = 0;                  // timed runs over all rounds
  bool noisy = false;            // every round was noisy (one clean round is a clean figure)
  std::string note;
};

// Times items 0..n-1 in `rounds` rounds; round r visits them in the order r, r+1, ..., n-1,
// 0, ..., r-1 (so no item always follows the same neighbour or always comes first).
// `time(item, round)` runs one timing; its `statistic` is the round figure. Throws if
// rounds < 1 or the statistic is unknown.
std::vector<RoundedTiming> time_interleaved(size_t n, int rounds,
                                            const std::function<TimingResult(size_t item, int round)>& time,
                                            const std::string& statistic = "median");

}  // namespace hwnas::measure
