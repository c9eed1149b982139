#include "hwnas/cost/kernel_training.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/cost/kernel_model.h"
#include "hwnas/ir/stats.h"
#include "hwnas/learn/nnls.h"
#include "hwnas/learn/xgb_regressor.h"
#include "hwnas/measure/robust_timing.h"

namespace hwnas::cost {
namespace {

const int kMacs = kernel_feature_index("macs");

// base = (a, b, c) >= 0 minimising sum ((a macs + b bytes + c) / ms - 1)^2. Each column is
// scaled to unit size first so that the solver's tolerance treats them alike.
std::vector<double> fit_base(const std::vector<KernelSample>& s) {
  std::vector<std::vector<double>> rows;
  std::vector<double> ones;
  double scale[3] = {0, 0, 0};
  for (const KernelSample& k : s) {
    const std::vector<float>& f = k.features.values;
    const double row[3] = {f[kMacs] / k.ms, kernel_bytes(f) / k.ms, 1.0 / k.ms};
    for (int j = 0; j < 3; ++j) scale[j] = std::max(scale[j], row[j]);
    rows.push_back({row[0], row[1], row[2]});
    ones.push_back(1.0);
  }
  for (auto& r : rows)
    for (int j = 0; j < 3; ++j) r[j] = scale[j] > 0 ? r[j] / scale[j] : 0.0;
  std::vector<double> x = learn::nnls(rows, ones);
  for (int j = 0; j < 3; ++j) x[j] = scale[j] > 0 ? x[j] / scale[j] : 0.0;
  if (x[0] == 0 && x[1] == 0 && x[2] == 0) {  // nothing fits: a constant at the median
    std::vector<double> ms;
    for (const KernelSample& k : s) ms.push_back(k.ms);
    std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
    x[2] = ms[ms.size() / 2];
  }
  return x;
}

GroupModel fit(const std::vector<KernelSample>& s, const GroupTrainOptions& o) {
  GroupModel m;
  m.base = fit_base(s);
  std::vector<std::vector<float>> x;
  std::vector<double> y;
  for (const KernelSample& k : s) {
    x.push_back(k.features.values);
    y.push_back(std::log(k.ms / std::max(group_base_ms(m, k.features.values), 1e-12)));
  }
  learn::XgbRegressor forest(
      {.trees = o.trees, .max_depth = o.max_depth, .feature_fraction = o.feature_fraction, .seed = o.seed});
  forest.fit(x, y);
  m.trees = forest.save_trees();
  m.train_size = static_cast<int>(s.size());
  return m;
}

}  // namespace

KernelBank::KernelBank(measure::MeasureOptions o, std::string statistic)
    : KernelBank(
          o.dtype, [o](const ir::Graph& g) { return measure::measure_model(g, o); }, std::move(statistic)) {}

KernelBank::KernelBank(ir::DType dtype, std::function<measure::Measurement(const ir::Graph&)> time,
                       std::string statistic)
    : dtype_(dtype), time_(std::move(time)), statistic_(std::move(statistic)) {
  measure::check_statistic(statistic_);
}

KernelBank::Added KernelBank::add(const ir::Graph& g, const ir::FusionRules& rules,
                                  const std::function<bool(const KernelFeatures&)>& want) {
  Added added;
  const std::vector<ir::Kernel> kernels = ir::split_kernels(g, rules);
  const ir::Stats stats = ir::compute_stats(g);
  added.kernels = static_cast<int>(kernels.size());
  for (const ir::Kernel& k : kernels) {
    KernelFeatures f = kernel_features(g, stats, k, dtype_);
    if (index_.contains(f.key) || (want && !want(f))) continue;
    const measure::Measurement m = time_(ir::extract(g, k.nodes));
    const double ms = measure::statistic_value(m.timing.summary, statistic_);
    if (!(ms > 0)) continue;  // a kernel too small to time (a reshape): nothing to learn
    added.spent_s += m.timing.spent_s;
    index_[f.key] = samples_.size();
    samples_.push_back({std::move(f), k.type, ms, m.timing.noisy});
    ++added.measured;
  }
  spent_s_ += added.spent_s;
  return added;
}

std::vector<KernelSample> KernelBank::group(const std::string& name) const {
  std::vector<KernelSample> out;
  for (const KernelSample& s : samples_)
    if (s.features.group == name) out.push_back(s);
  return out;
}

std::vector<double> group_errors(const GroupModel& m, const std::vector<KernelSample>& samples) {
  if (samples.empty()) return {};
  const auto forest = learn::XgbRegressor::load_trees(m.trees, kernel_feature_names().size());
  std::vector<std::vector<float>> x;
  for (const KernelSample& k : samples) x.push_back(k.features.values);
  const std::vector<double> p = predict_group(m, forest, x);
  std::vector<double> e;
  for (size_t i = 0; i < samples.size(); ++i) e.push_back(p[i] / samples[i].ms - 1.0);
  return e;
}

GroupModel train_group(const std::vector<KernelSample>& samples, const GroupTrainOptions& o) {
  if (samples.empty()) fail("kernel training", "no samples to train on");
  int validation = 0;
  double sq = 0, within = 0;
  if (samples.size() >= 10 && o.validation_share > 0) {
    std::vector<KernelSample> shuffled = samples;
    Rng rng(o.seed);
    rng.shuffle(shuffled);
    validation = std::max(1, static_cast<int>(o.validation_share * static_cast<double>(shuffled.size())));
    const std::vector<KernelSample> held(shuffled.begin(), shuffled.begin() + validation);
    const std::vector<KernelSample> train(shuffled.begin() + validation, shuffled.end());
    for (double e : group_errors(fit(train, o), held)) {
      sq += e * e;
      within += std::abs(e) <= 0.10 ? 1 : 0;
    }
  }
  GroupModel m = fit(samples, o);
  m.validation_samples = validation;
  m.validation_rel_rmse = validation > 0 ? std::sqrt(sq / validation) : 0.0;
  m.validation_within_10 = validation > 0 ? within / validation : 0.0;
  return m;
}

}  // namespace hwnas::cost
