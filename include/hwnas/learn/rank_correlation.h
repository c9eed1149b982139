#pragma once
// Rank correlations, the way a latency predictor is judged for search (does it order models
// as the device does?). Both handle ties as SciPy does: Spearman's rho is Pearson's r of
// average ranks (scipy.stats.spearmanr), Kendall's tau is tau-b (scipy.stats.kendalltau).
//
//   learn::spearman({1, 2, 3, 4}, {10, 20, 40, 30});   // 0.8
//   learn::kendall_tau({1, 2, 3, 4}, {10, 20, 40, 30}); // 0.6667
#include <vector>

namespace hwnas::learn {

// 1-based average ranks (ties share the mean of their ranks).
std::vector<double> average_ranks(const std::vector<double>& v);
// Throws hwnas::Error if the lengths differ or there are fewer than 2 values; NaN when one
// side is constant (no ordering to compare).
double spearman(const std::vector<double>& a, const std::vector<double>& b);
// Tau-b in O(n log n) (Knight 1966: sort by a, count discordant pairs by merge sort on b).
double kendall_tau(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace hwnas::learn
