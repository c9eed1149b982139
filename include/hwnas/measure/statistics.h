#pragma once
// Summary statistics of latency samples, as the timing protocol reports them. The median's
// confidence interval is distribution-free (order statistics): with the samples sorted,
// [x_(l), x_(n-l+1)] covers the true median with probability 1 - 2 P(B <= l-1),
// B ~ Binomial(n, 1/2), and l is the largest rank that keeps that probability >= the
// confidence asked for. It needs no normality (latencies are skewed and multi-modal).
//
//   measure::Summary s = measure::summarize({1.2, 1.1, 1.3, ...});
//   s.median; s.p10; s.p90; s.cv; s.ci_low; s.ci_high; s.ci_rel_half_width();
#include <optional>
#include <utility>
#include <vector>

namespace hwnas::measure {

struct Summary {
  int runs = 0;
  double median = 0, p10 = 0, p90 = 0, mean = 0, min = 0, max = 0;
  double stddev = 0;  // sample standard deviation (n - 1)
  double cv = 0;      // stddev / mean
  // Confidence interval of the median; absent when there are too few samples for the
  // confidence (n <= 5 at 95%).
  std::optional<double> ci_low, ci_high;
  // max(median - ci_low, ci_high - median) / median; +inf without an interval.
  double ci_rel_half_width() const;
};

// q-quantile of sorted values with linear interpolation between order statistics (NumPy's
// default "linear" method, R type 7). Values must be sorted and non-empty; q in [0, 1].
double quantile_sorted(const std::vector<double>& sorted, double q);

// 1-based ranks (l, n-l+1) of the distribution-free confidence interval of the median, or
// nullopt when n is too small for `confidence`.
std::optional<std::pair<int, int>> median_ci_ranks(int n, double confidence);

// Throws hwnas::Error when `samples` is empty.
Summary summarize(std::vector<double> samples, double confidence = 0.95);

}  // namespace hwnas::measure
