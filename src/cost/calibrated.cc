#include "hwnas/cost/calibrated.h"

#include <algorithm>
#include <functional>
#include <optional>

#include <fmt/format.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"

namespace hwnas::cost {
namespace {

enum Term { kConv, kDepthwise, kFc, kElementwise, kPool, kMemory, kOverhead, kTransfer, kConstant, kFolded };
constexpr double kOverheadUnitS = 1e-6;  // the overhead term counts kernels x 1 us
constexpr double kConstantUnitMs = 1.0;  // the constant term is 1 ms
// A factor of 0 would make a rate infinite: the fitted profile keeps it finite but negligible.
constexpr double kMinFactor = 1e-9;

int compute_term(hw::OpClass c) {
  switch (c) {
    case hw::OpClass::Conv:
      return kConv;
    case hw::OpClass::Depthwise:
      return kDepthwise;
    case hw::OpClass::FullyConnected:
      return kFc;
    case hw::OpClass::Elementwise:
      return kElementwise;
    case hw::OpClass::Pool:
      return kPool;
    case hw::OpClass::Data:
      return -1;  // data ops only move bytes
  }
  return -1;
}

}  // namespace

std::vector<bool> executed_nodes(const ir::Graph& g) {
  const int n = g.size();
  std::vector<bool> constant(n, false), needed(n, false);
  for (int id = 0; id < n; ++id) {
    const ir::Node& node = g.node(id);
    if (node.op == ir::OpKind::Zero) {
      constant[id] = true;
    } else if (node.op != ir::OpKind::Input && !node.inputs.empty()) {
      constant[id] = std::all_of(node.inputs.begin(), node.inputs.end(), [&](int in) { return constant[in]; });
    }
  }
  for (int out : g.outputs()) needed[out] = true;
  for (int id = n - 1; id >= 0; --id)  // inputs come before their readers
    if (needed[id] && !constant[id])
      for (int in : g.node(id).inputs) needed[in] = true;
  std::vector<bool> runs(n);
  for (int id = 0; id < n; ++id) runs[id] = needed[id] && !constant[id] && g.node(id).op != ir::OpKind::Input;
  return runs;
}

const std::vector<std::string>& calibration_term_names() {
  static const std::vector<std::string> names = {"conv",   "depthwise", "fc",       "elementwise", "pool",
                                                 "memory", "overhead",  "transfer", "constant",    "folded"};
  return names;
}

std::vector<double> calibration_terms(const LatencyPrediction& roofline, const ir::Graph& g) {
  std::vector<double> t(kCalibrationTerms, 0.0);
  const std::vector<bool> runs = executed_nodes(g);
  for (const KernelCost& k : roofline.kernels) {
    if (!runs[k.nodes.front()]) {  // what an eager framework would still run
      t[kFolded] += k.compute_ms + k.memory_ms + kOverheadUnitS * 1e3;
      continue;
    }
    const int c = compute_term(hw::op_class(g.node(k.nodes.front()).op));
    if (c >= 0) t[c] += k.compute_ms;
    t[kMemory] += k.memory_ms;
    t[kOverhead] += kOverheadUnitS * 1e3;
    t[kTransfer] += k.transfer_ms;
  }
  t[kConstant] = kConstantUnitMs;
  return t;
}

std::vector<double> calibration_terms(const ir::Graph& g, const hw::Device& base, ir::DType dtype) {
  return calibration_terms(RooflineModel(base).predict(g, dtype), g);
}

std::vector<double> calibration_prior(const hw::Device& base) {
  std::vector<double> p(kCalibrationTerms, 1.0);
  const hw::Processor& cpu = base.processors.at(base.primary);
  p[kOverhead] = cpu.op_overhead_s / kOverheadUnitS;
  p[kConstant] = cpu.invoke_overhead_s * 1e3 / kConstantUnitMs;
  p[kFolded] = base.folded_ops_factor;
  return p;
}

hw::Device apply_calibration(const hw::Device& base, const FitResult& fit, const std::string& calibration) {
  if (fit.factors.size() != kCalibrationTerms)
    fail("calibration", "expected {} factors ({}), got {}", kCalibrationTerms,
         fmt::join(calibration_term_names(), ", "), fit.factors.size());
  auto factor = [&](int term) { return std::max(fit.factors[term], kMinFactor); };
  hw::Device d = base;
  for (hw::Processor& p : d.processors) {
    for (auto& [key, rate] : p.per_cycle) {
      const int c = compute_term(key.first);
      if (c >= 0) rate /= factor(c);
    }
    p.bandwidth_bytes_per_s /= factor(kMemory);
    p.weights_bandwidth_bytes_per_s /= factor(kMemory);  // 0 (shared port) stays 0
    p.streamed_weights_bytes_per_s /= factor(kMemory);   // 0 (no cache) stays 0
    p.op_overhead_s = fit.factors[kOverhead] * kOverheadUnitS;
    p.invoke_overhead_s = 0;
  }
  d.processors.at(d.primary).invoke_overhead_s = fit.factors[kConstant] * kConstantUnitMs * 1e-3;
  d.fallback.transfer_bytes_per_s /= factor(kTransfer);
  d.fallback.transfer_overhead_s *= fit.factors[kTransfer];
  d.folded_ops_factor = fit.factors[kFolded];
  d.calibration = calibration;
  return d;
}

namespace {

// The rows of a measured table with a latency, each checked (file:line errors) and decoded:
// row(arch string, arch, graph, ms). Returns the rows without a latency.
// Calls `row` with each measured row's text in `arch_column`, its graph (from `decode`, whose
// errors get the file, line and column) and its latency; returns the rows without a latency.
int for_each_measured_row(const std::filesystem::path& csv, const std::function<ir::Graph(const std::string&)>& decode,
                          const std::string& arch_column, const std::string& latency_column,
                          const std::function<void(const std::string&, const ir::Graph&, double)>& row) {
  const core::CsvTable t = core::read_csv(csv);
  const int arch = t.column(arch_column), latency = t.column(latency_column);
  int skipped = 0, rows = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::optional<double> ms = t.number_or_empty(r, latency);
    if (!ms) {
      ++skipped;
      continue;
    }
    const std::string where = fmt::format("{}:{}: column '{}'", t.source, t.line_of(r), latency_column);
    if (!(*ms > 0)) fail(where, "latency {} ms is not positive", *ms);
    ir::Graph g;
    try {
      g = decode(t.rows[r][arch]);
    } catch (const Error& e) {
      throw e.within(fmt::format("{}:{}: column '{}'", t.source, t.line_of(r), arch_column));
    }
    row(t.rows[r][arch], g, *ms);
    ++rows;
  }
  if (rows == 0) fail(csv.string(), "column '{}' has no latencies", latency_column);
  return skipped;
}

}  // namespace

MeasuredArchs load_measured_archs(const std::filesystem::path& csv, const space::SearchSpace& space,
                                  const std::string& arch_column, const std::string& latency_column) {
  MeasuredArchs m;
  auto decode = [&](const std::string& text) { return space.decode(space.parse(text)); };
  m.skipped = for_each_measured_row(csv, decode, arch_column, latency_column,
                                    [&](const std::string& text, const ir::Graph& g, double ms) {
                                      m.texts.push_back(text);
                                      m.archs.push_back(space.parse(text));
                                      m.measured_ms.push_back(ms);
                                      m.macs.push_back(static_cast<double>(ir::compute_stats(g).macs));
                                    });
  return m;
}

CalibrationData load_calibration_data(const std::filesystem::path& csv, const ModelDecoder& decode,
                                      const std::string& model_column, const std::string& latency_column,
                                      const hw::Device& base, ir::DType dtype) {
  const RooflineModel roofline(base);
  CalibrationData d;
  d.skipped = for_each_measured_row(csv, decode, model_column, latency_column,
                                    [&](const std::string& text, const ir::Graph& g, double ms) {
                                      d.archs.push_back(text);
                                      d.terms.push_back(calibration_terms(roofline.predict(g, dtype), g));
                                      d.measured_ms.push_back(ms);
                                      d.macs.push_back(static_cast<double>(ir::compute_stats(g).macs));
                                    });
  return d;
}

CalibrationData load_calibration_data(const std::filesystem::path& csv, const space::SearchSpace& space,
                                      const std::string& arch_column, const std::string& latency_column,
                                      const hw::Device& base, ir::DType dtype) {
  return load_calibration_data(
      csv, [&](const std::string& text) { return space.decode(space.parse(text)); }, arch_column, latency_column, base,
      dtype);
}

CalibratedModel::CalibratedModel(hw::Device device) : roofline_(std::move(device)) {}

std::string CalibratedModel::source() const {
  return fmt::format("predicted (calibrated on {}: {})", roofline_.device().name,
                     roofline_.device().calibration.empty() ? "not fitted" : roofline_.device().calibration);
}

std::string CalibratedModel::fingerprint() const { return "calibrated/" + roofline_.fingerprint(); }

LatencyPrediction CalibratedModel::predict(const ir::Graph& g, ir::DType dtype) const {
  LatencyPrediction p = roofline_.predict(g, dtype);
  const hw::Device& d = roofline_.device();
  p.source = source();
  p.total_ms = d.processors.at(d.primary).invoke_overhead_s * 1e3;
  const std::vector<bool> runs = executed_nodes(g);
  std::vector<KernelCost> kept;
  for (KernelCost& k : p.kernels) {
    const double overhead_ms = d.processors.at(k.processor).op_overhead_s * 1e3;
    k.ms = k.compute_ms + k.memory_ms + overhead_ms + k.transfer_ms;
    if (!runs[k.nodes.front()]) {  // folded or dead: a converter removes it, an eager framework runs it
      if (d.folded_ops_factor == 0) continue;
      k.ms = d.folded_ops_factor * (k.compute_ms + k.memory_ms + kOverheadUnitS * 1e3);
    }
    p.total_ms += k.ms;
    kept.push_back(std::move(k));
  }
  p.kernels = std::move(kept);
  return p;
}

}  // namespace hwnas::cost
