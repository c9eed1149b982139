#pragma once
// Dense ridge regression toward a centre, for the few-parameter linear fits of few-shot
// latency models (cost/few_shot_prior.h):
//
//   w = argmin_w  |X w - y|^2 + lambda |w - center|^2
//
// solved from the normal equations (X^T X + lambda I) w = X^T y + lambda center by a Cholesky
// factorisation: lambda > 0 makes the matrix positive definite, so the fit exists even with
// fewer rows than columns (then it stays at the centre where the data says nothing). The
// leave-one-out error is exact and needs no refit: the fit is a linear smoother of
// y - X center with hat matrix H = X (X^T X + lambda I)^-1 X^T, so row i's residual when
// fitted without row i is r_i / (1 - H_ii) (Hastie, Tibshirani & Friedman, "The Elements of
// Statistical Learning", 2nd ed., eq. 7.52 and exercise 7.3).
//
//   std::vector<std::vector<double>> x = {{1, 0}, {1, 1}, {1, 2}};
//   learn::RidgeFit f = learn::ridge_loo(x, {1, 2, 3.5}, {0.01, 0.1, 1}, {0, 0});
//   f.lambda;    // the strength with the least leave-one-out error
//   f.weights;   // ~{0.92, 1.25}
#include <vector>

namespace hwnas::learn {

using RidgeRows = std::vector<std::vector<double>>;  // x[i] is row i

struct RidgeFit {
  std::vector<double> weights;
  double lambda = 0;
  double loo_mse = 0;                 // mean of the squared leave-one-out residuals
  std::vector<double> loo_residuals;  // per row: y_i - its prediction by the fit without row i
};

// The fit for one lambda (> 0). Throws hwnas::Error on mismatched sizes, no rows, lambda <= 0
// or non-finite input.
std::vector<double> ridge(const RidgeRows& x, const std::vector<double>& y, double lambda,
                          const std::vector<double>& center);

// The fit for each candidate lambda, and the one with the least leave-one-out error (ties: the
// first listed). Needs at least 2 rows.
RidgeFit ridge_loo(const RidgeRows& x, const std::vector<double>& y, const std::vector<double>& lambdas,
                   const std::vector<double>& center);

}  // namespace hwnas::learn
