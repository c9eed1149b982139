#pragma once
// The calibrated latency model, for devices we cannot run here (a phone, an NPU): the
// roofline's structure (cost/roofline.h: per-kernel compute and memory terms from the device
// profile) with a few factors fitted to measured whole-model latencies
// (cost/calibration_fit.h: non-negative, learn::ridge toward the profile's own figures).
//
// The model is additive, so that it is linear in the factors: per kernel
//     ms = compute + memory + op_overhead (+ transfer on the fallback processor)
// and once per inference the primary processor's invoke_overhead. The terms of a graph are
// (kCalibrationTerms, in ms at the base profile's figures):
//     conv, depthwise, fc, elementwise, pool compute | memory | kernels x 1 us | transfer | 1 ms
//     | folded (kernels a converter removes, at compute + memory + 1 us each)
// and a fitted device divides the op classes' rates and the bandwidths by their factors,
// sets op_overhead to factor x 1 us and invoke_overhead to factor x 1 ms, and scales the
// transfer terms: so CalibratedModel on the fitted profile predicts exactly what the fit did,
// and the profile is an ordinary device YAML (hw::to_yaml) whose `calibration` says what it
// was fitted on.
//
//   std::vector<double> t = cost::calibration_terms(graph, base, ir::DType::f32);
//   cost::FitResult fit = cost::fit_factors({.terms = rows, .measured_ms = ms, .prior = cost::calibration_prior(base)});
//   hw::Device phone = cost::apply_calibration(base, fit, "fitted to 10 archs of nb201 (m.csv)");
//   cost::CalibratedModel model(phone);
//   model.predict_ms(graph, ir::DType::f32);
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "hwnas/cost/calibration_fit.h"
#include "hwnas/cost/latency_model.h"
#include "hwnas/cost/roofline.h"
#include "hwnas/hw/device.h"
#include "hwnas/space/search_space.h"

namespace hwnas::cost {

// What a deployment converter (TFLite, TensorRT, ONNX Runtime's optimiser) leaves to run:
// constants are folded (a zero op, and any op all of whose inputs are constants) and dead
// code is removed (ops no output depends on; a zero op does not depend on its input).
// Published measurements are of converted models: NB201 networks whose cells cut the input
// off measure 0.01 ms on a Raspberry Pi 4 (HW-NAS-Bench). The calibrated model charges only
// the kernels whose first node runs; per node, true if it runs.
std::vector<bool> executed_nodes(const ir::Graph& g);

inline constexpr int kCalibrationTerms = 10;
// "conv", "depthwise", "fc", "elementwise", "pool", "memory", "overhead", "transfer", "constant",
// "folded" (the base-profile time of the kernels executed_nodes() says a converter removes:
// factor 0 for a converter's runtime, about 1 for an eager framework that runs them all)
const std::vector<std::string>& calibration_term_names();

// The terms of one graph on `base` (ms at factor 1).
std::vector<double> calibration_terms(const ir::Graph& g, const hw::Device& base, ir::DType dtype);
// The same from a roofline prediction already made on `base` for g.
std::vector<double> calibration_terms(const LatencyPrediction& roofline, const ir::Graph& g);
// The factors `base` itself implies: 1 for its rates, bandwidth and transfers; its op
// overhead in us; its invoke overhead in ms.
std::vector<double> calibration_prior(const hw::Device& base);

// `base` with the fitted factors applied (see above); `calibration` is stored in the profile.
hw::Device apply_calibration(const hw::Device& base, const FitResult& fit, const std::string& calibration);

// A table of measured latencies of a space's architectures, with each row's terms on `base`
// and MACs: what `hwnas predictor fit` and `predictor eval --measurements` read. Rows with an
// empty latency are skipped (counted); a bad arch string or latency is an error naming the
// file, line and column.
struct CalibrationData {
  std::vector<std::string> archs;
  std::vector<std::vector<double>> terms;
  std::vector<double> measured_ms, macs;
  int skipped = 0;  // rows without a latency
};
CalibrationData load_calibration_data(const std::filesystem::path& csv, const space::SearchSpace& space,
                                      const std::string& arch_column, const std::string& latency_column,
                                      const hw::Device& base, ir::DType dtype);
// The same for a table of models of any kind: each value of `model_column` becomes a graph
// through `decode` (the CLI passes the resolver, target/resolver.h: built-in names, .onnx
// files, <space>:<arch>, ...), e.g. the CSV `hwnas measurements import` writes from a phone's
// benchmark_model logs.
using ModelDecoder = std::function<ir::Graph(const std::string&)>;
CalibrationData load_calibration_data(const std::filesystem::path& csv, const ModelDecoder& decode,
                                      const std::string& model_column, const std::string& latency_column,
                                      const hw::Device& base, ir::DType dtype);

// The same table without a device: the architectures, their latencies and MACs (ir::Stats of
// the decoded graph), with the same checks and errors. What the few-shot prior model
// (cost/few_shot_prior.h) is fitted and judged on.
struct MeasuredArchs {
  std::vector<std::string> texts;  // the arch strings as written
  std::vector<space::Arch> archs;
  std::vector<double> measured_ms, macs;
  int skipped = 0;  // rows without a latency
};
MeasuredArchs load_measured_archs(const std::filesystem::path& csv, const space::SearchSpace& space,
                                  const std::string& arch_column, const std::string& latency_column);

class CalibratedModel : public LatencyModel {
 public:
  explicit CalibratedModel(hw::Device device);

  std::string kind() const override { return "calibrated"; }
  std::string source() const override;  // "predicted (calibrated on phone: fitted to ...)"
  std::string fingerprint() const override;
  LatencyPrediction predict(const ir::Graph& g, ir::DType dtype) const override;

 private:
  RooflineModel roofline_;
};

}  // namespace hwnas::cost
