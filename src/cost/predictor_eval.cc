#include "hwnas/cost/predictor_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/cost/calibration_fit.h"
#include "hwnas/ir/stats.h"
#include "hwnas/learn/rank_correlation.h"
#include "hwnas/measure/robust_timing.h"
#include "hwnas/models/registry.h"

namespace hwnas::cost {

Accuracy accuracy(const std::vector<double>& predicted, const std::vector<double>& measured) {
  if (predicted.size() != measured.size())
    fail("accuracy", "{} predictions for {} measurements", predicted.size(), measured.size());
  Accuracy a;
  a.n = static_cast<int>(measured.size());
  if (a.n == 0) return a;
  double sq = 0, rel_sq = 0;
  for (size_t i = 0; i < measured.size(); ++i) {
    if (!(measured[i] > 0)) fail("accuracy", "measurement {} is {} ms; it must be positive", i, measured[i]);
    const double rel = predicted[i] / measured[i] - 1;
    a.within_5 += std::abs(rel) <= 0.05 ? 1 : 0;
    a.within_10 += std::abs(rel) <= 0.10 ? 1 : 0;
    sq += (predicted[i] - measured[i]) * (predicted[i] - measured[i]);
    rel_sq += rel * rel;
  }
  a.within_5 /= a.n;
  a.within_10 /= a.n;
  a.rmse_ms = std::sqrt(sq / a.n);
  a.rel_rmse = std::sqrt(rel_sq / a.n);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  a.spearman = a.n >= 2 ? learn::spearman(predicted, measured) : nan;
  a.kendall = a.n >= 2 ? learn::kendall_tau(predicted, measured) : nan;
  return a;
}

double median_ms_per_mac(const std::vector<double>& macs, const std::vector<double>& ms) {
  std::vector<double> ratio;
  for (size_t i = 0; i < macs.size() && i < ms.size(); ++i)
    if (macs[i] > 0) ratio.push_back(ms[i] / macs[i]);
  if (ratio.empty()) fail("FLOPs baseline", "no training model has MACs to scale by");
  std::sort(ratio.begin(), ratio.end());
  const size_t n = ratio.size();
  return n % 2 ? ratio[n / 2] : (ratio[n / 2 - 1] + ratio[n / 2]) / 2;
}

std::vector<EvalRow> evaluate_models(const LatencyModel& model,
                                     const std::vector<std::pair<std::string, ir::Graph>>& models,
                                     const measure::MeasureOptions& o, double ms_per_mac,
                                     const std::function<void(std::string_view)>& progress, int rounds) {
  // The round whose median is lowest gives the row's figures.
  std::vector<measure::TimingResult> best(models.size());
  const std::vector<measure::RoundedTiming> timed =
      measure::time_interleaved(models.size(), rounds, [&](size_t i, int) {
        const measure::TimingResult t = measure::measure_model(models[i].second, o).timing;
        if (best[i].summary.runs == 0 || t.summary.median < best[i].summary.median) best[i] = t;
        return t;
      });
  std::vector<EvalRow> rows;
  for (size_t i = 0; i < models.size(); ++i) {
    const auto& [name, g] = models[i];
    EvalRow r;
    r.model = name;
    r.macs = ir::compute_stats(g).macs;
    r.predicted_ms = model.predict_ms(g, o.dtype);
    const measure::Summary& s = best[i].summary;
    r.measured_ms = s.median;
    r.p10_ms = s.p10;
    r.p90_ms = s.p90;
    r.cv = s.cv;
    r.runs = s.runs;
    r.noisy = timed[i].noisy;
    r.round_spread = timed[i].spread;
    r.baseline_ms = static_cast<double>(r.macs) * ms_per_mac;
    if (progress)
      progress(fmt::format("[{}/{}] {}: measured {:.4g} ms{}{}, predicted {:.4g} ms ({:+.1f}%)", i + 1, models.size(),
                           name, r.measured_ms, r.noisy ? " (noisy)" : "",
                           rounds > 1 ? fmt::format(" ({})", timed[i].note) : std::string(), r.predicted_ms,
                           100 * (r.predicted_ms / r.measured_ms - 1)));
    rows.push_back(std::move(r));
  }
  return rows;
}

EvalSummary summarize(const std::vector<EvalRow>& rows) {
  std::vector<double> measured, predicted, baseline;
  EvalSummary s;
  for (const EvalRow& r : rows) {
    measured.push_back(r.measured_ms);
    predicted.push_back(r.predicted_ms);
    baseline.push_back(r.baseline_ms);
    s.noisy += r.noisy ? 1 : 0;
  }
  s.model = accuracy(predicted, measured);
  s.baseline = accuracy(baseline, measured);
  return s;
}

std::vector<std::pair<std::string, ir::Graph>> heldout_models(const PredictorFile& p,
                                                              const std::vector<const space::SearchSpace*>& spaces,
                                                              int per_space, const std::vector<std::string>& builtins,
                                                              uint64_t seed) {
  std::set<std::string> trained;
  if (p.training.contains("archs"))
    for (const auto& a : p.training["archs"]) trained.insert(a.get<std::string>());
  std::vector<std::pair<std::string, ir::Graph>> out;
  Rng rng(seed);
  for (const space::SearchSpace* sp : spaces) {
    std::set<std::string> taken;
    for (int tries = 0; static_cast<int>(taken.size()) < per_space && tries < 100 * per_space; ++tries) {
      const space::Arch a = sp->sample(rng);
      const std::string s = sp->name() + ":" + sp->to_string(a);
      if (trained.contains(s) || !taken.insert(s).second) continue;
      out.emplace_back(s, sp->decode(a));
    }
  }
  for (const std::string& b : builtins) out.emplace_back(b, models::builtin_model(b));
  return out;
}

FewShotSummary summarize(const std::vector<FewShotDraw>& draws) {
  if (draws.empty()) fail("few-shot summary", "no draws to summarize");
  auto spread = [&](auto get) {
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    for (const FewShotDraw& x : draws) {
      const double v = get(x);
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    return DrawSpread{sum / static_cast<double>(draws.size()), lo, hi};
  };
  auto side = [&](Accuracy FewShotDraw::*which) {
    return FewShotSide{spread([&](const FewShotDraw& x) { return (x.*which).spearman; }),
                       spread([&](const FewShotDraw& x) { return (x.*which).kendall; }),
                       spread([&](const FewShotDraw& x) { return (x.*which).within_10; }),
                       spread([&](const FewShotDraw& x) { return (x.*which).rel_rmse; })};
  };
  return {static_cast<int>(draws.size()), side(&FewShotDraw::model), side(&FewShotDraw::baseline)};
}

std::vector<FewShotDraw> few_shot_draws(const std::vector<double>& measured, const std::vector<double>& macs,
                                        const FewShotOptions& o, const FewShotFitter& fit) {
  const size_t n = measured.size();
  if (macs.size() != n) fail("few-shot evaluation", "{} measurements, {} MAC counts: they must match", n, macs.size());
  if (o.train < 1 || static_cast<size_t>(o.train) >= n)
    fail("few-shot evaluation", "train must be between 1 and {} (the table's rows - 1), got {}", n - 1, o.train);
  if (o.repeats < 1) fail("few-shot evaluation", "repeats must be at least 1, got {}", o.repeats);
  std::vector<FewShotDraw> draws;
  Rng rng(o.seed);
  std::vector<size_t> order(n);
  for (int r = 0; r < o.repeats; ++r) {
    std::iota(order.begin(), order.end(), 0);
    // A partial Fisher-Yates: the first `train` entries are a uniform sample without replacement.
    for (int i = 0; i < o.train; ++i) std::swap(order[i], order[i + rng.uniform_int(static_cast<int>(n) - i)]);
    const std::vector<size_t> train(order.begin(), order.begin() + o.train);
    std::vector<double> train_macs, train_ms;
    for (size_t i : train) {
      train_macs.push_back(macs[i]);
      train_ms.push_back(measured[i]);
    }
    const FewShotFit f = fit(train);
    if (f.predicted.size() != n)
      fail("few-shot evaluation", "the model predicted {} rows of {}", f.predicted.size(), n);
    const double ratio = median_ms_per_mac(train_macs, train_ms);
    std::vector<double> baseline(n);
    for (size_t i = 0; i < n; ++i) baseline[i] = macs[i] * ratio;
    draws.push_back({accuracy(f.predicted, measured), accuracy(baseline, measured), f.lambda});
  }
  return draws;
}

std::vector<FewShotDraw> few_shot_eval(const std::vector<std::vector<double>>& terms, const std::vector<double>& prior,
                                       const std::vector<double>& measured, const std::vector<double>& macs,
                                       const FewShotOptions& o) {
  if (terms.size() != measured.size())
    fail("few-shot evaluation", "{} rows of terms, {} measurements: they must match", terms.size(), measured.size());
  return few_shot_draws(measured, macs, o, [&](const std::vector<size_t>& train) {
    FitProblem p;
    p.prior = prior;
    for (size_t i : train) {
      p.terms.push_back(terms[i]);
      p.measured_ms.push_back(measured[i]);
    }
    const FitResult fit = fit_factors(p);
    FewShotFit out{std::vector<double>(measured.size()), fit.lambda};
    for (size_t i = 0; i < measured.size(); ++i) out.predicted[i] = fitted_ms(fit, terms[i]);
    return out;
  });
}

}  // namespace hwnas::cost
