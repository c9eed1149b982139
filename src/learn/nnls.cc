#include "hwnas/learn/nnls.h"

#include <algorithm>
#include <cmath>

#include "hwnas/core/error.h"

namespace hwnas::learn {
namespace {

// Least squares on the columns in `set` via the normal equations (Cholesky). The problems
// here are tiny and a calibration adds ridge rows, so A_P^T A_P is well conditioned; a
// relative jitter keeps a rank-deficient set (two identical columns) solvable.
std::vector<double> solve_on(const std::vector<std::vector<double>>& a, const std::vector<double>& b,
                             const std::vector<int>& set) {
  const size_t k = set.size();
  std::vector<double> m(k * k, 0.0), r(k, 0.0);
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t p = 0; p < k; ++p) {
      const double ap = a[i][set[p]];
      r[p] += ap * b[i];
      for (size_t q = 0; q <= p; ++q) m[p * k + q] += ap * a[i][set[q]];
    }
  }
  double trace = 0;
  for (size_t p = 0; p < k; ++p) trace += m[p * k + p];
  for (size_t p = 0; p < k; ++p) m[p * k + p] += 1e-12 * (trace > 0 ? trace : 1.0);
  // Cholesky: m = L L^T, lower triangle in place.
  for (size_t p = 0; p < k; ++p) {
    for (size_t q = 0; q <= p; ++q) {
      double s = m[p * k + q];
      for (size_t t = 0; t < q; ++t) s -= m[p * k + t] * m[q * k + t];
      m[p * k + q] = (p == q) ? std::sqrt(std::max(s, 1e-300)) : s / m[q * k + q];
    }
  }
  for (size_t p = 0; p < k; ++p) {  // L y = r
    for (size_t t = 0; t < p; ++t) r[p] -= m[p * k + t] * r[t];
    r[p] /= m[p * k + p];
  }
  for (size_t p = k; p-- > 0;) {  // L^T x = y
    for (size_t t = p + 1; t < k; ++t) r[p] -= m[t * k + p] * r[t];
    r[p] /= m[p * k + p];
  }
  return r;
}

}  // namespace

std::vector<double> nnls(const std::vector<std::vector<double>>& a, const std::vector<double>& b) {
  if (a.empty() || a.size() != b.size())
    fail("nnls", "needs one target per row and at least one row (got {} rows, {} targets)", a.size(), b.size());
  const size_t n = a[0].size();
  if (n == 0) fail("nnls", "rows have no columns");
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != n) fail("nnls", "row {} has {} columns, row 0 has {}", i, a[i].size(), n);
    if (!std::isfinite(b[i])) fail("nnls", "target {} is not finite", i);
    for (double v : a[i])
      if (!std::isfinite(v)) fail("nnls", "row {} has a non-finite value", i);
  }
  double scale = 0;  // tolerance relative to the data's size
  for (const auto& row : a)
    for (double v : row) scale = std::max(scale, std::abs(v));
  const double tol = 1e-10 * std::max(scale, 1.0) * static_cast<double>(a.size());

  std::vector<double> x(n, 0.0);
  std::vector<bool> passive(n, false);
  auto gradient = [&] {  // w = A^T (b - A x)
    std::vector<double> w(n, 0.0);
    for (size_t i = 0; i < a.size(); ++i) {
      double r = b[i];
      for (size_t j = 0; j < n; ++j) r -= a[i][j] * x[j];
      for (size_t j = 0; j < n; ++j) w[j] += a[i][j] * r;
    }
    return w;
  };
  for (size_t outer = 0; outer < 3 * n + 10; ++outer) {
    const std::vector<double> w = gradient();
    int best = -1;
    for (size_t j = 0; j < n; ++j)
      if (!passive[j] && w[j] > tol && (best < 0 || w[j] > w[best])) best = static_cast<int>(j);
    if (best < 0) break;  // Kuhn-Tucker conditions hold: optimal
    passive[best] = true;
    for (size_t inner = 0; inner < 3 * n + 10; ++inner) {
      std::vector<int> set;
      for (size_t j = 0; j < n; ++j)
        if (passive[j]) set.push_back(static_cast<int>(j));
      const std::vector<double> z = solve_on(a, b, set);
      bool feasible = true;
      for (double v : z) feasible = feasible && v > 0;
      if (feasible) {
        std::fill(x.begin(), x.end(), 0.0);
        for (size_t p = 0; p < set.size(); ++p) x[set[p]] = z[p];
        break;
      }
      // Step from x towards z as far as feasibility allows, then drop what reached zero.
      double alpha = 1.0;
      for (size_t p = 0; p < set.size(); ++p)
        if (z[p] <= 0) alpha = std::min(alpha, x[set[p]] / (x[set[p]] - z[p]));
      for (size_t p = 0; p < set.size(); ++p) {
        x[set[p]] += alpha * (z[p] - x[set[p]]);
        if (x[set[p]] <= 1e-15) {
          x[set[p]] = 0;
          passive[set[p]] = false;
        }
      }
    }
  }
  return x;
}

}  // namespace hwnas::learn
