#include "hwnas/cost/calibration_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hwnas/core/error.h"
#include "hwnas/learn/nnls.h"

namespace hwnas::cost {
namespace {

void validate(const FitProblem& p) {
  const size_t n = p.measured_ms.size();
  if (n == 0 || p.terms.size() != n)
    fail("calibration", "needs one row of terms per measurement and at least one (got {} rows, {} measurements)",
         p.terms.size(), n);
  const size_t k = p.prior.size();
  if (k == 0) fail("calibration", "no terms to fit (the prior is empty)");
  for (size_t i = 0; i < n; ++i) {
    if (p.terms[i].size() != k)
      fail("calibration", "sample {} has {} terms, the prior has {}", i, p.terms[i].size(), k);
    if (!(p.measured_ms[i] > 0) || !std::isfinite(p.measured_ms[i]))
      fail("calibration", "measurement {} is {} ms; latencies must be positive and finite", i, p.measured_ms[i]);
    for (double t : p.terms[i])
      if (!(t >= 0) || !std::isfinite(t)) fail("calibration", "sample {} has a term of {}; terms must be >= 0", i, t);
  }
  for (double v : p.prior)
    if (!(v >= 0) || !std::isfinite(v)) fail("calibration", "prior factor {} must be >= 0", v);
}

// The learn::ridge fit on every sample but `skip`, for one lambda; errors relative to `scale_ms`.
std::vector<double> solve(const FitProblem& p, const std::vector<double>& scale_ms, const std::vector<double>& target,
                          const std::vector<double>& weight, double lambda, const std::vector<bool>& used_terms,
                          size_t skip) {
  const size_t k = p.prior.size();
  std::vector<std::vector<double>> a;
  std::vector<double> b;
  for (size_t i = 0; i < p.terms.size(); ++i) {
    if (i == skip) continue;
    std::vector<double> row(k, 0.0);
    for (size_t j = 0; j < k; ++j)
      if (used_terms[j]) row[j] = p.terms[i][j] / scale_ms[i];
    a.push_back(std::move(row));
    b.push_back(p.measured_ms[i] / scale_ms[i]);
  }
  const double root = std::sqrt(lambda);
  for (size_t j = 0; j < k; ++j) {
    if (!used_terms[j] || lambda == 0) continue;
    std::vector<double> row(k, 0.0);
    row[j] = root * weight[j];
    a.push_back(std::move(row));
    b.push_back(root * weight[j] * target[j]);
  }
  std::vector<double> f = learn::nnls(a, b);
  for (size_t j = 0; j < k; ++j)
    if (!used_terms[j]) f[j] = target[j];
  return f;
}

// (predicted - measured) / scale.
double rel_error(const std::vector<double>& f, const std::vector<double>& terms, double measured, double scale) {
  double pred = 0;
  for (size_t j = 0; j < f.size(); ++j) pred += f[j] * terms[j];
  return (pred - measured) / scale;
}

}  // namespace

FitResult fit_factors(const FitProblem& p, const FitOptions& o) {
  validate(p);
  if (o.lambdas.empty()) fail("calibration", "no candidate learn::ridge strengths (FitOptions::lambdas is empty)");
  const size_t n = p.measured_ms.size(), k = p.prior.size();
  std::vector<double> sorted = p.measured_ms, scale_ms(n);
  std::sort(sorted.begin(), sorted.end());
  const double floor_ms = 0.1 * sorted[n / 2];
  for (size_t i = 0; i < n; ++i) scale_ms[i] = std::max(p.measured_ms[i], floor_ms);

  // Overall scale of the prior: argmin_s sum_i (s q_i - t_i)^2, q_i = prior prediction / scale_i, t_i = y_i / scale_i.
  double sq = 0, sqq = 0;
  for (size_t i = 0; i < n; ++i) {
    double prior_ms = 0;
    for (size_t j = 0; j < k; ++j) prior_ms += p.prior[j] * p.terms[i][j];
    const double q = prior_ms / scale_ms[i], t = p.measured_ms[i] / scale_ms[i];
    sq += q * t;
    sqq += q * q;
  }
  FitResult r;
  r.scale = sqq > 0 ? sq / sqq : 1.0;
  std::vector<double> target(k), weight(k, 0.0);
  std::vector<bool> used(k, false);
  for (size_t j = 0; j < k; ++j) {
    target[j] = r.scale * p.prior[j];
    for (size_t i = 0; i < n; ++i) weight[j] += p.terms[i][j] / scale_ms[i] / static_cast<double>(n);
    used[j] = weight[j] > 0;
  }

  double best = std::numeric_limits<double>::infinity();
  r.lambda = o.lambdas.front();
  if (n >= 3) {
    for (double lambda : o.lambdas) {
      double sum = 0;
      for (size_t leave = 0; leave < n; ++leave) {
        const double e = rel_error(solve(p, scale_ms, target, weight, lambda, used, leave), p.terms[leave],
                                   p.measured_ms[leave], scale_ms[leave]);
        sum += e * e;
      }
      const double rmse = std::sqrt(sum / static_cast<double>(n));
      if (rmse <= best * (1 + o.prefer_ridge)) {  // near-ties go to the stronger learn::ridge (the grid is increasing)
        best = std::min(best, rmse);
        r.lambda = lambda;
      }
    }
    r.loo_rel_rmse = best;
  } else {
    r.lambda = o.lambdas.back();  // too few points to cross-validate: lean on the profile
  }
  r.factors = solve(p, scale_ms, target, weight, r.lambda, used, n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double e = rel_error(r.factors, p.terms[i], p.measured_ms[i], scale_ms[i]);
    sum += e * e;
  }
  r.train_rel_rmse = std::sqrt(sum / static_cast<double>(n));
  return r;
}

double fitted_ms(const FitResult& r, const std::vector<double>& terms) {
  if (terms.size() != r.factors.size())
    fail("calibration", "{} terms given, the fit has {} factors", terms.size(), r.factors.size());
  double s = 0;
  for (size_t j = 0; j < terms.size(); ++j) s += r.factors[j] * terms[j];
  return s;
}

}  // namespace hwnas::cost
