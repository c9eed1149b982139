#pragma once
// Fitting a few non-negative factors of an additive latency model to measured whole-model
// latencies: measured_i ~= sum_j factor_j * terms_ij, where terms_ij is term j of model i
// (its conv compute time, its memory time, its kernel count x overhead, ...) at the
// figures of a base profile, so that a factor of 1 means "as the profile says".
//
// Few measurements (10) cannot pin down every factor, so the fit is a learn::ridge toward the
// profile's own shape: first one overall scale s (the profile may be 10x off overall), then
// factors that trade relative error against deviation from s * prior:
//
//   minimise  sum_i ((pred_i - y_i) / y_i)^2  +  lambda * sum_j (w_j (f_j - s prior_j))^2,  f >= 0
//
// with w_j the mean relative contribution of a unit of factor j (a deviation is penalised by
// how much it moves the predictions, so units do not matter). Relative error, because a
// table spans a 10x range of latencies and a ranking needs the small ones right too; but
// y_i is floored at a tenth of the median measurement, so that a few near-zero rows (models
// a converter folded away, 0.01 ms among 25 ms ones) cannot dominate the fit.
// lambda is chosen by leave-one-out cross-validation from a fixed grid, so 10 points lean
// on the profile and thousands follow the data. Terms no sample exercises keep s * prior.
//
//   cost::FitProblem p;
//   p.terms = {{1.0, 0.2}, {3.0, 0.1}, ...};   // per model: conv ms, memory ms at the profile
//   p.measured_ms = {2.4, 6.1, ...};
//   p.prior = {1, 1};
//   cost::FitResult r = cost::fit_factors(p);
//   cost::fitted_ms(r, p.terms[0]);             // the model's prediction for model 0
#include <vector>

namespace hwnas::cost {

struct FitProblem {
  std::vector<std::vector<double>> terms;  // per sample, per term (ms at factor 1), >= 0
  std::vector<double> measured_ms;         // per sample, > 0
  std::vector<double> prior;               // per term, >= 0: the factor the profile implies
};

struct FitOptions {
  // Candidate learn::ridge strengths, chosen by leave-one-out relative error (ties: the larger).
  std::vector<double> lambdas = {0.0, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0};
  // A stronger learn::ridge is kept while its leave-one-out error is within this share of the best
  // so far: with 10 samples the LOO estimate is itself noisy, and the profile is the safer bet.
  double prefer_ridge = 0.1;
};

struct FitResult {
  std::vector<double> factors;  // per term, >= 0
  double scale = 1;             // the overall scale of the prior (s above)
  double lambda = 0;            // the learn::ridge strength chosen
  double loo_rel_rmse = 0;      // leave-one-out RMS relative error at that lambda (0 if n < 3)
  double train_rel_rmse = 0;    // RMS relative error on the samples themselves
};

// Throws hwnas::Error on empty or mismatched input, a non-positive measurement or a negative term.
FitResult fit_factors(const FitProblem& p, const FitOptions& o = {});
double fitted_ms(const FitResult& r, const std::vector<double>& terms);

}  // namespace hwnas::cost
