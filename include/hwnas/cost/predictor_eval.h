#pragma once
// How good a latency predictor is, the way nn-Meter and HELP report it, always beside the
// FLOPs-proportional baseline (latency = MACs x the median ms-per-MAC of the training set):
//   accuracy():      share of models within +-5% and +-10% of measured, RMSE (ms and relative),
//                    Spearman's rho and Kendall's tau;
//   evaluate_models(): measures held-out models now and predicts them (host predictors);
//   few_shot_eval(): for a table of measurements (a device we cannot run), fits the calibrated
//                    model on `train` random rows, `repeats` times, and scores every row
//                    (few_shot_draws(): the same loop for any model, e.g. cost/few_shot_prior.h);
//   summarize(draws): mean, min and max over the draws of each figure;
//   heldout_models(): what a host predictor is judged on (archs it never saw, and built-ins).
//
//   cost::Accuracy a = cost::accuracy(predicted, measured);
//   a.within_10;   // 0.97
//   std::vector<cost::FewShotDraw> d = cost::few_shot_eval(terms, prior, measured, macs, {.train = 10});
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hwnas/cost/latency_model.h"
#include "hwnas/cost/predictor_file.h"
#include "hwnas/ir/graph.h"
#include "hwnas/measure/measure_model.h"
#include "hwnas/space/search_space.h"

namespace hwnas::cost {

struct Accuracy {
  int n = 0;
  double within_5 = 0, within_10 = 0;  // shares in [0, 1]
  double rmse_ms = 0, rel_rmse = 0;
  double spearman = 0, kendall = 0;  // NaN with fewer than 2 models
};
// Throws if the lengths differ or a measurement is not positive.
Accuracy accuracy(const std::vector<double>& predicted, const std::vector<double>& measured);

// Latency from MACs at the median ms per MAC of (macs, ms) pairs (the training set).
double median_ms_per_mac(const std::vector<double>& macs, const std::vector<double>& ms);

struct EvalRow {
  std::string model;
  int64_t macs = 0;
  double measured_ms = 0, p10_ms = 0, p90_ms = 0, cv = 0;
  int runs = 0;
  bool noisy = false;
  double round_spread = 0;  // highest / lowest round median - 1 (0 with one round)
  double predicted_ms = 0;
  double baseline_ms = 0;  // FLOPs-proportional
};

// Measures each model with `o` and predicts it; `ms_per_mac` scales the baseline. With
// rounds > 1 the models are timed in interleaved rounds and each keeps its lowest round median
// (measure/robust_timing.h: a round in a burst of other load is discarded); its runs, CV and
// percentiles are those of that round.
std::vector<EvalRow> evaluate_models(const LatencyModel& model,
                                     const std::vector<std::pair<std::string, ir::Graph>>& models,
                                     const measure::MeasureOptions& o, double ms_per_mac,
                                     const std::function<void(std::string_view)>& progress = {}, int rounds = 1);

struct EvalSummary {
  Accuracy model, baseline;
  int noisy = 0;  // rows whose measurement was flagged noisy
};
EvalSummary summarize(const std::vector<EvalRow>& rows);

// Held-out models for evaluate_models(): per space, in order, up to `per_space` distinct
// sampled archs (named "<space>:<arch>") that are not in the predictor's training set
// (p.training["archs"]), drawn from one Rng(seed) shared by the spaces in turn (a space
// whose untrained archs run out gives fewer: 100 x per_space draws at most); then the
// built-in models named in `builtins`, under their names. The spaces are already resolved
// (target::resolve_space), so `hwnas predictor eval` takes every reference the resolver knows.
std::vector<std::pair<std::string, ir::Graph>> heldout_models(const PredictorFile& p,
                                                              const std::vector<const space::SearchSpace*>& spaces,
                                                              int per_space, const std::vector<std::string>& builtins,
                                                              uint64_t seed);

struct FewShotOptions {
  int train = 10;
  int repeats = 20;
  uint64_t seed = 1;
};
struct FewShotDraw {
  Accuracy model, baseline;  // over every row of the table
  double lambda = 0;         // the learn::ridge strength cross-validation chose
};
// The draw-and-score loop of any few-shot model: per draw, `fit` gets the indices of `o.train`
// random rows (the same draws for the same seed, whatever the model) and returns a prediction
// for every row; it is scored over all rows beside the FLOPs-proportional baseline.
struct FewShotFit {
  std::vector<double> predicted;  // per row of the table
  double lambda = 0;              // reported in FewShotDraw::lambda
};
using FewShotFitter = std::function<FewShotFit(const std::vector<size_t>& train)>;
std::vector<FewShotDraw> few_shot_draws(const std::vector<double>& measured, const std::vector<double>& macs,
                                        const FewShotOptions& o, const FewShotFitter& fit);
// Mean, least and greatest of one figure over the draws.
struct DrawSpread {
  double mean = 0, min = 0, max = 0;
};
struct FewShotSide {
  DrawSpread spearman, kendall, within_10, rel_rmse;
};
struct FewShotSummary {
  int draws = 0;
  FewShotSide model, baseline;  // the few-shot model's figures and the FLOPs baseline's
};
// Throws on no draws.
FewShotSummary summarize(const std::vector<FewShotDraw>& draws);

// terms[i]: calibration_terms of row i; macs[i]: its MACs (for the baseline).
std::vector<FewShotDraw> few_shot_eval(const std::vector<std::vector<double>>& terms, const std::vector<double>& prior,
                                       const std::vector<double>& measured, const std::vector<double>& macs,
                                       const FewShotOptions& o);

}  // namespace hwnas::cost
