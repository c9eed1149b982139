#pragma once
// Training data and training for the measured predictors (cost/kernel_model.h).
//
// KernelBank: kernels measured on a backend, one sample per distinct signature. add() splits
// a graph with the fusion rules, extracts each kernel not yet measured as a standalone graph
// (ir::extract) and times it under the timing protocol (short per-kernel budget), as
// nn-Meter does.
//
// train_group(): one group's model, ms = base(x) x exp(forest(x)). The base is a
// non-negative linear fit of ms in MACs and bytes (relative error; it carries the model
// beyond the training range, where trees alone are flat); the forest (learn::XgbRegressor)
// learns log(ms / base). A share of the samples is held out first to report validation
// errors (they drive adaptive sampling), then the model is refitted on all of them.
//
//   cost::KernelBank bank(measure_options);
//   bank.add(graph, rules);
//   cost::GroupModel conv = cost::train_group(bank.group("conv"), {.seed = 1});
//   conv.validation_within_10;   // share of held-out conv kernels within +-10%
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "hwnas/cost/kernel_features.h"
#include "hwnas/cost/predictor_file.h"
#include "hwnas/ir/graph.h"
#include "hwnas/ir/kernels.h"
#include "hwnas/measure/measure_model.h"

namespace hwnas::cost {

struct KernelSample {
  KernelFeatures features;
  std::string type;    // "conv2d+batch_norm+relu6"
  double ms = 0;       // measured: the bank's statistic (median, p10 or min) of the timing runs
  bool noisy = false;  // the timing protocol did not reach a confident figure
};

class KernelBank {
 public:
  // `time_ms` times one standalone kernel graph; the default measures it with `o`. A sample's
  // ms is `statistic` of its runs (measure/robust_timing.h: median, p10 or min); a low one is
  // less inflated by other load on the machine.
  explicit KernelBank(measure::MeasureOptions o, std::string statistic = "median");
  KernelBank(ir::DType dtype, std::function<measure::Measurement(const ir::Graph&)> time,
             std::string statistic = "median");

  struct Added {
    int kernels = 0;   // kernels in the graph
    int measured = 0;  // newly measured
    double spent_s = 0;
  };
  // `want` filters which new kernels to measure (all when empty).
  Added add(const ir::Graph& g, const ir::FusionRules& rules,
            const std::function<bool(const KernelFeatures&)>& want = {});

  const std::vector<KernelSample>& samples() const { return samples_; }
  std::vector<KernelSample> group(const std::string& name) const;
  bool contains(const std::string& key) const { return index_.contains(key); }
  double spent_s() const { return spent_s_; }

 private:
  ir::DType dtype_;
  std::function<measure::Measurement(const ir::Graph&)> time_;
  std::string statistic_;
  std::vector<KernelSample> samples_;
  std::unordered_map<std::string, size_t> index_;
  double spent_s_ = 0;
};

struct GroupTrainOptions {
  int trees = 24;
  int max_depth = 12;
  double feature_fraction = 0.8;
  double validation_share = 0.2;  // held out for the validation figures (when >= 10 samples)
  uint64_t seed = 1;
};

// Throws if `samples` is empty.
GroupModel train_group(const std::vector<KernelSample>& samples, const GroupTrainOptions& o);

// Per-sample relative errors (predicted / measured - 1) of a group model.
std::vector<double> group_errors(const GroupModel& m, const std::vector<KernelSample>& samples);

}  // namespace hwnas::cost
