#include "hwnas/measure/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "hwnas/core/error.h"

namespace hwnas::measure {

double Summary::ci_rel_half_width() const {
  if (!ci_low || !ci_high || median <= 0) return std::numeric_limits<double>::infinity();
  return std::max(median - *ci_low, *ci_high - median) / median;
}

double quantile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) fail("quantile", "no samples");
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

std::optional<std::pair<int, int>> median_ci_ranks(int n, double confidence) {
  const double tail = (1.0 - confidence) / 2;  // allowed P(B <= l-1)
  // Binomial(n, 1/2) pmf through lgamma, so that 2^-n never underflows for large n.
  const double log_norm = std::lgamma(n + 1.0) - n * std::log(2.0);
  double cdf = 0;  // P(B <= k)
  int l = 0;       // largest l with P(B <= l-1) <= tail; 0 = none
  for (int k = 0; k < n; ++k) {
    cdf += std::exp(log_norm - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0));
    if (cdf > tail) break;
    l = k + 1;
  }
  if (l == 0) return std::nullopt;
  return std::pair{l, n - l + 1};
}

Summary summarize(std::vector<double> v, double confidence) {
  if (v.empty()) fail("summarize", "no samples to summarise");
  std::sort(v.begin(), v.end());
  Summary s;
  s.runs = static_cast<int>(v.size());
  s.median = quantile_sorted(v, 0.5);
  s.p10 = quantile_sorted(v, 0.1);
  s.p90 = quantile_sorted(v, 0.9);
  s.min = v.front();
  s.max = v.back();
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / s.runs;
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.stddev = s.runs > 1 ? std::sqrt(ss / (s.runs - 1)) : 0.0;
  s.cv = s.mean > 0 ? s.stddev / s.mean : 0.0;
  if (auto ranks = median_ci_ranks(s.runs, confidence)) {
    s.ci_low = v[ranks->first - 1];
    s.ci_high = v[ranks->second - 1];
  }
  return s;
}

}  // namespace hwnas::measure
