#include "hwnas/learn/rank_correlation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "hwnas/core/error.h"

namespace hwnas::learn {
namespace {

void check_pair(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  if (a.size() != b.size()) fail(what, "the two lists differ in length ({} and {})", a.size(), b.size());
  if (a.size() < 2) fail(what, "needs at least 2 pairs (got {})", a.size());
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

// Pairs tied in `v` among runs of equal values (v sorted within the groups that matter).
int64_t tied_pairs(const std::vector<double>& sorted) {
  int64_t total = 0, run = 1;
  for (size_t i = 1; i <= sorted.size(); ++i) {
    if (i < sorted.size() && sorted[i] == sorted[i - 1]) {
      ++run;
    } else {
      total += run * (run - 1) / 2;
      run = 1;
    }
  }
  return total;
}

// Sorts v[lo, hi) and returns the number of inversions (pairs i < j with v[i] > v[j]).
int64_t merge_count(std::vector<double>& v, std::vector<double>& tmp, size_t lo, size_t hi) {
  if (hi - lo < 2) return 0;
  const size_t mid = (lo + hi) / 2;
  int64_t swaps = merge_count(v, tmp, lo, mid) + merge_count(v, tmp, mid, hi);
  size_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi) {
    if (v[j] < v[i]) {
      swaps += static_cast<int64_t>(mid - i);
      tmp[k++] = v[j++];
    } else {
      tmp[k++] = v[i++];
    }
  }
  while (i < mid) tmp[k++] = v[i++];
  while (j < hi) tmp[k++] = v[j++];
  std::copy(tmp.begin() + lo, tmp.begin() + hi, v.begin() + lo);
  return swaps;
}

}  // namespace

std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return v[x] < v[y]; });
  std::vector<double> ranks(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double rank = (static_cast<double>(i + j) / 2.0) + 1.0;  // mean of ranks i+1..j+1
    for (size_t t = i; t <= j; ++t) ranks[order[t]] = rank;
    i = j + 1;
  }
  return ranks;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  check_pair(a, b, "spearman");
  return pearson(average_ranks(a), average_ranks(b));
}

double kendall_tau(const std::vector<double>& a, const std::vector<double>& b) {
  check_pair(a, b, "kendall_tau");
  const size_t n = a.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return a[x] != a[y] ? a[x] < a[y] : b[x] < b[y]; });
  std::vector<double> sa(n), sb(n);
  for (size_t i = 0; i < n; ++i) {
    sa[i] = a[order[i]];
    sb[i] = b[order[i]];
  }
  // Pairs tied in a, and tied in both (runs of equal (a, b) in the sorted order).
  const int64_t ties_a = tied_pairs(sa);
  int64_t ties_ab = 0, run = 1;
  for (size_t i = 1; i <= n; ++i) {
    if (i < n && sa[i] == sa[i - 1] && sb[i] == sb[i - 1]) {
      ++run;
    } else {
      ties_ab += run * (run - 1) / 2;
      run = 1;
    }
  }
  std::vector<double> tmp(n);
  const int64_t discordant = merge_count(sb, tmp, 0, n);  // sb is now sorted
  const int64_t ties_b = tied_pairs(sb);
  const int64_t pairs = static_cast<int64_t>(n) * static_cast<int64_t>(n - 1) / 2;
  // concordant - discordant = pairs - ties_a - ties_b + ties_ab - 2 * discordant
  const double numerator = static_cast<double>(pairs - ties_a - ties_b + ties_ab - 2 * discordant);
  const double denominator = std::sqrt(static_cast<double>(pairs - ties_a) * static_cast<double>(pairs - ties_b));
  if (denominator == 0) return std::numeric_limits<double>::quiet_NaN();
  return numerator / denominator;
}

}  // namespace hwnas::learn
