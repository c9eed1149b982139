#include "hwnas/cost/kernel_model.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/cost/kernel_features.h"
#include "hwnas/ir/stats.h"

namespace hwnas::cost {
namespace {

const int kMacs = kernel_feature_index("macs");
const int kWeightBytes = kernel_feature_index("weight_bytes");
constexpr double kMiB = 1024.0 * 1024.0;

// The kernels the runtime runs: not those no output depends on (an NB201 edge into a node
// that only 'none' edges leave; the xnnpack backend skips them, as a converter's dead-code
// elimination does), nor zero constants (filled once, never computed).
std::vector<ir::Kernel> run_kernels(const ir::Graph& g, const ir::FusionRules& rules) {
  const std::vector<bool> live = g.live();
  std::vector<ir::Kernel> out;
  for (ir::Kernel& k : ir::split_kernels(g, rules))
    if (std::any_of(k.nodes.begin(), k.nodes.end(),
                    [&](int id) { return live[id] && g.node(id).op != ir::OpKind::Zero; }))
      out.push_back(std::move(k));
  return out;
}

}  // namespace

double group_base_ms(const GroupModel& m, const std::vector<float>& row) {
  return m.base[0] * row[kMacs] + m.base[1] * kernel_bytes(row) + m.base[2];
}

std::vector<double> predict_group(const GroupModel& m, const learn::XgbRegressor& forest,
                                  const std::vector<std::vector<float>>& rows) {
  const std::vector<double> log_ratio = forest.predict(rows);
  std::vector<double> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = group_base_ms(m, rows[i]) * std::exp(log_ratio[i]);
  return out;
}

KernelModel::KernelModel(PredictorFile p, std::string file) : predictor_(std::move(p)), file_(std::move(file)) {
  for (const auto& [name, g] : predictor_.groups) {
    try {
      forests_.emplace(name, learn::XgbRegressor::load_trees(g.trees, kernel_feature_names().size()));
    } catch (const Error& e) {
      throw e.within(fmt::format("{}: groups.{}", file_, name));
    }
  }
  fingerprint_ = fmt::format("{}:{:016x}", predictor_.kind, std::hash<std::string>{}(to_json(predictor_).dump()));
}

std::string KernelModel::source() const {
  return fmt::format("predicted ({} model {}: {}, {} thread{}, on {})", predictor_.kind, file_, predictor_.backend,
                     predictor_.threads, predictor_.threads == 1 ? "" : "s", predictor_.device);
}

LatencyPrediction KernelModel::predict(const ir::Graph& g, ir::DType dtype) const {
  if (dtype != predictor_.dtype)
    fail(file_, "was measured in {}, not {}; build one for {} with `hwnas predictor build --dtype {}`",
         ir::dtype_name(predictor_.dtype), ir::dtype_name(dtype), ir::dtype_name(dtype), ir::dtype_name(dtype));
  const std::vector<ir::Kernel> kernels = run_kernels(g, predictor_.fusion);
  const ir::Stats stats = ir::compute_stats(g);
  LatencyPrediction out;
  out.source = source();
  out.kernels.resize(kernels.size());
  std::vector<KernelFeatures> features(kernels.size());
  std::vector<double> ms(kernels.size(), -1.0);
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < kernels.size(); ++i) {
      features[i] = kernel_features(g, stats, kernels[i], dtype);
      if (const auto it = memo_.find(features[i].key); it != memo_.end()) ms[i] = it->second;
    }
  }
  // The rest: a table lookup, or one batch per group through its forest.
  std::unordered_map<std::string, std::vector<size_t>> todo;
  for (size_t i = 0; i < kernels.size(); ++i) {
    if (ms[i] >= 0) continue;
    if (predictor_.kind == "lut") {
      const auto it = predictor_.lut.find(features[i].key);
      if (it == predictor_.lut.end())
        fail(file_,
             "no measured entry for kernel '{}' ({}, output {}) of '{}'; extend the table with "
             "`hwnas predictor build --kind lut --space <space>` over archs that contain it, or use --model kernel",
             kernels[i].name, kernels[i].type, g.node(kernels[i].nodes.back()).shape.str(), g.name());
      ms[i] = it->second;
    } else {
      todo[features[i].group].push_back(i);
    }
  }
  for (const auto& [group, idx] : todo) {
    const auto m = predictor_.groups.find(group);
    if (m == predictor_.groups.end())
      fail(file_, "has no model for {} kernels (kernel '{}' of '{}'); rebuild it with spaces that contain {} ops",
           group, kernels[idx.front()].name, g.name(), group);
    std::vector<std::vector<float>> rows;
    for (size_t i : idx) rows.push_back(features[i].values);
    const std::vector<double> p = predict_group(m->second, forests_.at(group), rows);
    for (size_t k = 0; k < idx.size(); ++k) ms[idx[k]] = p[k];
  }
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < kernels.size(); ++i) memo_.emplace(features[i].key, ms[i]);
  }
  // Each kernel carries its share of the whole-model terms, so that the kernels sum to the total
  // less the offset: the invoke overhead it pays alone but not in the model, and the weights
  // beyond what the caches keep, which stream from DRAM on each inference.
  double weight_mib = 0;
  for (const KernelFeatures& f : features) weight_mib += f.values[kWeightBytes] / kMiB;
  const double streamed_ms_per_mib =
      weight_mib > 0
          ? predictor_.weight_ms_per_mib * std::max(0.0, weight_mib - predictor_.weight_cache_mib) / weight_mib
          : 0.0;
  for (size_t i = 0; i < kernels.size(); ++i) {
    KernelCost& k = out.kernels[i];
    k.nodes = kernels[i].nodes;
    k.ms = predictor_.scale * ms[i] - predictor_.kernel_overhead_ms +
           streamed_ms_per_mib * features[i].values[kWeightBytes] / kMiB;
    k.macs = static_cast<int64_t>(features[i].values[kMacs]);
    k.bytes = static_cast<int64_t>(kernel_bytes(features[i].values));
    // Which term of the group's base fit dominates says what bounds the kernel.
    const auto m = predictor_.groups.find(features[i].group);
    if (m != predictor_.groups.end()) {
      const double c = m->second.base[0] * k.macs, b = m->second.base[1] * k.bytes, o = m->second.base[2];
      k.bound = (o >= c && o >= b) ? Bound::Overhead : (c >= b ? Bound::Compute : Bound::Memory);
    }
    out.total_ms += k.ms;
  }
  out.total_ms += predictor_.offset_ms;
  return out;
}

std::unique_ptr<LatencyModel> load_kernel_model(const std::string& kind, const std::string& path) {
  if (path.empty())
    fail(fmt::format("latency model '{}'", kind),
         "needs a predictor file (--predictor FILE); build one with `hwnas predictor build{}`",
         kind == "lut" ? " --kind lut" : "");
  PredictorFile p = load_predictor(path);
  if (!kind.empty() && p.kind != kind)
    fail(path, "holds a {} predictor, not {}; use --model {} with it, or build a {} one", p.kind, kind, p.kind, kind);
  return std::make_unique<KernelModel>(std::move(p), path);
}

}  // namespace hwnas::cost
