#include "hwnas/learn/ridge.h"

#include <cmath>
#include <limits>

#include "hwnas/core/error.h"

namespace hwnas::learn {
namespace {

using Matrix = std::vector<std::vector<double>>;

void validate(const RidgeRows& x, const std::vector<double>& y, const std::vector<double>& center) {
  if (x.empty()) fail("ridge", "no rows to fit");
  if (x.size() != y.size()) fail("ridge", "{} rows of features for {} targets: they must match", x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].size() != center.size())
      fail("ridge", "row {} has {} features, the centre has {}", i, x[i].size(), center.size());
    for (double v : x[i])
      if (!std::isfinite(v)) fail("ridge", "row {} has a feature of {}; features must be finite", i, v);
    if (!std::isfinite(y[i])) fail("ridge", "target {} is {}; targets must be finite", i, y[i]);
  }
  for (double c : center)
    if (!std::isfinite(c)) fail("ridge", "the centre has {}; it must be finite", c);
}

void check_lambda(double lambda) {
  if (!(lambda > 0) || !std::isfinite(lambda))
    fail("ridge", "lambda must be positive and finite (it keeps the system solvable), got {}", lambda);
}

// The lower-triangular L with L L^T = a (a symmetric positive definite).
Matrix cholesky(const Matrix& a) {
  const size_t n = a.size();
  Matrix l(n, std::vector<double>(n, 0.0));
  for (size_t j = 0; j < n; ++j) {
    double d = a[j][j];
    for (size_t k = 0; k < j; ++k) d -= l[j][k] * l[j][k];
    if (!(d > 0)) fail("ridge", "the normal equations are not positive definite (pivot {} is {})", j, d);
    l[j][j] = std::sqrt(d);
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i][j];
      for (size_t k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
      l[i][j] = s / l[j][j];
    }
  }
  return l;
}

// Solves L L^T v = b.
std::vector<double> solve(const Matrix& l, std::vector<double> b) {
  const size_t n = l.size();
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < i; ++k) b[i] -= l[i][k] * b[k];
    b[i] /= l[i][i];
  }
  for (size_t i = n; i-- > 0;) {
    for (size_t k = i + 1; k < n; ++k) b[i] -= l[k][i] * b[k];
    b[i] /= l[i][i];
  }
  return b;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// X^T X and X^T (y - X center): the fit of the offset w - center is a ridge toward 0.
struct Normal {
  Matrix gram;
  std::vector<double> rhs, residual_target;  // residual_target = y - X center
};
Normal normal_equations(const RidgeRows& x, const std::vector<double>& y, const std::vector<double>& center) {
  const size_t p = center.size();
  Normal ne{Matrix(p, std::vector<double>(p, 0.0)), std::vector<double>(p, 0.0), {}};
  for (size_t i = 0; i < x.size(); ++i) {
    const double t = y[i] - dot(x[i], center);
    ne.residual_target.push_back(t);
    for (size_t j = 0; j < p; ++j) {
      if (x[i][j] == 0) continue;  // one-hot features are mostly zero
      for (size_t k = 0; k <= j; ++k) ne.gram[j][k] += x[i][j] * x[i][k];
      ne.rhs[j] += x[i][j] * t;
    }
  }
  for (size_t j = 0; j < p; ++j)
    for (size_t k = 0; k < j; ++k) ne.gram[k][j] = ne.gram[j][k];
  return ne;
}

Matrix regularised(Matrix gram, double lambda) {
  for (size_t j = 0; j < gram.size(); ++j) gram[j][j] += lambda;
  return gram;
}

std::vector<double> plus(std::vector<double> offset, const std::vector<double>& center) {
  for (size_t j = 0; j < offset.size(); ++j) offset[j] += center[j];
  return offset;
}

}  // namespace

std::vector<double> ridge(const RidgeRows& x, const std::vector<double>& y, double lambda,
                          const std::vector<double>& center) {
  validate(x, y, center);
  check_lambda(lambda);
  const Normal ne = normal_equations(x, y, center);
  return plus(solve(cholesky(regularised(ne.gram, lambda)), ne.rhs), center);
}

RidgeFit ridge_loo(const RidgeRows& x, const std::vector<double>& y, const std::vector<double>& lambdas,
                   const std::vector<double>& center) {
  validate(x, y, center);
  if (x.size() < 2) fail("ridge", "leave-one-out needs at least 2 rows, got {}", x.size());
  if (lambdas.empty()) fail("ridge", "no candidate lambdas");
  const Normal ne = normal_equations(x, y, center);
  RidgeFit best;
  best.loo_mse = std::numeric_limits<double>::infinity();
  for (double lambda : lambdas) {
    check_lambda(lambda);
    const Matrix l = cholesky(regularised(ne.gram, lambda));
    const std::vector<double> offset = solve(l, ne.rhs);
    double sum = 0;
    std::vector<double> residuals;
    for (size_t i = 0; i < x.size(); ++i) {
      const double leverage = dot(x[i], solve(l, x[i]));  // H_ii < 1 for lambda > 0
      residuals.push_back((ne.residual_target[i] - dot(x[i], offset)) / (1 - leverage));
      sum += residuals.back() * residuals.back();
    }
    const double mse = sum / static_cast<double>(x.size());
    if (best.weights.empty() || mse < best.loo_mse) best = {plus(offset, center), lambda, mse, std::move(residuals)};
  }
  return best;
}

}  // namespace hwnas::learn
