#pragma once
// The latency models read from a predictor file (cost/predictor_file.h), both measured on a
// backend and both per kernel (the graph split with the fusion rules stored in the file):
//   kind "kernel" (nn-Meter): each kernel predicted by its group's model, base(x) x
//                 exp(forest(x)) (cost/kernel_training.h fits them);
//   kind "lut"    (FBNet / OFA): each kernel looked up by its signature (op sequence, shapes,
//                 attributes, dtype); a kernel the table does not have is an error naming it
//                 and how to extend the table (no silent fallback: a LUT's appeal is that
//                 every figure was measured).
// The whole model is scale x (sum of kernels) - kernel_overhead x kernels + offset + a cost
// per MiB of weights, fitted on whole-model measurements: a kernel timed alone pays the
// runtime's invoke overhead (which a whole model pays once) and finds its weights in cache,
// where in a model the other layers evicted them (predictor_file.h).
//
//   cost::KernelModel m(cost::load_predictor("host-xnnpack.json"), "host-xnnpack.json");
//   cost::LatencyPrediction p = m.predict(graph, ir::DType::f32);
//   p.kernels[0].ms;   // one kernel (scaled, less the overhead); p.total_ms = their sum + the offset
//   m.source();        // "predicted (kernel model host-xnnpack.json: xnnpack, 1 thread, on host)"
//
// Predictions are memoised per kernel signature (thread-safe), so a search that meets the
// same kernels again pays a hash lookup.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "hwnas/cost/latency_model.h"
#include "hwnas/cost/predictor_file.h"
#include "hwnas/learn/xgb_regressor.h"

namespace hwnas::cost {

// A group model's predictions (ms) for feature rows.
std::vector<double> predict_group(const GroupModel& m, const learn::XgbRegressor& forest,
                                  const std::vector<std::vector<float>>& rows);
// The base term of one feature row: a * macs + b * bytes + c.
double group_base_ms(const GroupModel& m, const std::vector<float>& row);

class KernelModel : public LatencyModel {
 public:
  // `file` labels the source; errors name it. Throws if the file's dtype/threads cannot be
  // predicted or a group's trees do not load.
  KernelModel(PredictorFile p, std::string file);

  std::string kind() const override { return predictor_.kind; }
  std::string source() const override;
  std::string fingerprint() const override { return fingerprint_; }
  // Not when weights stream from DRAM (weight_ms_per_mib > 0): how much a kernel's weights
  // cost depends on the whole graph's weights beyond the cache.
  bool additive() const override { return predictor_.weight_ms_per_mib == 0; }
  LatencyPrediction predict(const ir::Graph& g, ir::DType dtype) const override;

  const PredictorFile& predictor() const { return predictor_; }

 private:
  PredictorFile predictor_;
  std::string file_, fingerprint_;
  std::unordered_map<std::string, learn::XgbRegressor> forests_;  // per group
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, double> memo_;  // kernel key -> ms (unscaled)
};

// The factory's entry (make_latency_model kinds "kernel" and "lut"): loads `path`, checks
// that it holds a predictor of `kind`; errors say how to build one.
// `kind` "": whichever kind the file holds.
std::unique_ptr<LatencyModel> load_kernel_model(const std::string& kind, const std::string& path);

}  // namespace hwnas::cost
