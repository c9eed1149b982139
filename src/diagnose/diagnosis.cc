#include "hwnas/diagnose/diagnosis.h"

#include <algorithm>
#include <map>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hwnas/cost/energy.h"
#include "hwnas/cost/pre_post.h"
#include "hwnas/cost/prediction_json.h"
#include "hwnas/hw/op_support.h"

namespace hwnas::diagnose {
namespace {

KernelRow kernel_row(const ir::Graph& g, const hw::Device& d, const cost::KernelCost& k, double total_ms) {
  KernelRow r;
  r.name = g.node(k.nodes.front()).name;
  r.ops = cost::kernel_ops(g, k);
  r.processor = d.processors.at(k.processor).name;
  r.fallback = k.fallback;
  r.ms = k.ms;
  r.share = total_ms > 0 ? k.ms / total_ms : 0;
  r.compute_ms = k.compute_ms;
  r.memory_ms = k.memory_ms;
  r.transfer_ms = k.transfer_ms;
  r.bound = k.bound;
  r.macs = k.macs;
  r.bytes = k.bytes;
  return r;
}

Figures figures_of(const hw::Device& d, const ir::Graph& g, ir::DType dtype, const cost::LatencyPrediction& p,
                   double fps) {
  Figures f;
  const cost::PrePost pp = cost::estimate_pre_post(d, g, dtype);
  const cost::Energy e = cost::frame_energy(cost::estimate_energy(d, p), pp);
  f.latency_ms = p.total_ms;
  f.pre_post_ms = pp.ms;
  f.energy_mj = e.energy_mj;
  f.max_fps = e.max_fps;
  if (fps > 0 && fps <= e.max_fps) f.power_mw = cost::average_power_mw(d, e, fps);
  for (const cost::KernelCost& k : p.kernels)
    if (k.fallback) {
      f.fallbacks += static_cast<int>(k.nodes.size());
      f.fallback_ms += k.ms;
    }
  return f;
}

nlohmann::json figures_json(const Figures& f) {
  const auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return {{"latency_ms", f.latency_ms},     {"energy_mj", f.energy_mj},      {"max_fps", f.max_fps},
          {"power_mw", number(f.power_mw)}, {"fallback_nodes", f.fallbacks}, {"fallback_ms", f.fallback_ms}};
}

}  // namespace

Figures figures(const ir::Graph& g, const hw::Device& d, const cost::LatencyModel& model, ir::DType dtype, double fps) {
  return figures_of(d, g, dtype, model.predict(g, dtype), fps);
}

Diagnosis diagnose(const ir::Graph& g, const hw::Device& d, const cost::LatencyModel& model, ir::DType dtype,
                   const DiagnoseOptions& o) {
  Diagnosis r;
  r.model = g.name();
  r.device = d.name;
  r.dtype = dtype;
  r.fps = o.fps;
  r.latency_source = model.source();
  r.power_source = fmt::format(
      "estimated from {}'s power figures (active power per processor, idle power, "
      "energy per byte moved: cost/energy.h)",
      d.name);

  const cost::LatencyPrediction p = model.predict(g, dtype);
  r.before = figures_of(d, g, dtype, p, o.fps);
  std::vector<size_t> order(p.kernels.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.kernels[a].ms > p.kernels[b].ms; });
  for (size_t i = 0; i < order.size() && static_cast<int>(i) < o.top; ++i)
    r.slowest.push_back(kernel_row(g, d, p.kernels[order[i]], p.total_ms));

  // The fallback time per operator: kernels on the fallback processor, keyed by their first node.
  std::map<std::string, double> fallback_ms;
  for (const cost::KernelCost& k : p.kernels)
    if (k.fallback) fallback_ms[hw::op_key(g.node(k.nodes.front()))] += k.ms;
  for (const target::AuditRow& a : target::audit_graph(d, g, dtype).rows)
    if (a.fallback > 0) r.fallbacks.push_back({a, fallback_ms.count(a.op) ? fallback_ms[a.op] : 0});

  r.repair = target::repair_for_device(g, d, dtype);
  for (const target::RepairStep& s : r.repair.steps) r.steps.push_back(figures(s.graph, d, model, dtype, o.fps));
  r.after = r.steps.empty() ? r.before : r.steps.back();
  return r;
}

nlohmann::json to_json(const Diagnosis& d) {
  nlohmann::json j = {{"model", d.model},
                      {"device", d.device},
                      {"dtype", ir::dtype_name(d.dtype)},
                      {"latency_source", d.latency_source},
                      {"power_source", d.power_source},
                      {"fps", d.fps},
                      {"before", figures_json(d.before)},
                      {"after", figures_json(d.after)}};
  j["slowest"] = nlohmann::json::array();
  for (const KernelRow& k : d.slowest)
    j["slowest"].push_back({{"kernel", k.name},
                            {"ops", k.ops},
                            {"processor", k.processor},
                            {"fallback", k.fallback},
                            {"ms", k.ms},
                            {"share", k.share},
                            {"bound", cost::bound_name(k.bound)},
                            {"compute_ms", k.compute_ms},
                            {"memory_ms", k.memory_ms},
                            {"transfer_ms", k.transfer_ms},
                            {"macs", k.macs},
                            {"bytes", k.bytes}});
  j["fallbacks"] = nlohmann::json::array();
  for (const FallbackRow& f : d.fallbacks)
    j["fallbacks"].push_back({{"op", f.audit.op},
                              {"nodes", f.audit.fallback},
                              {"native_nodes", f.audit.native},
                              {"reason", f.audit.reason},
                              {"ms", f.ms},
                              {"transfer_ms", f.audit.transfer_ms},
                              {"bytes_to_fallback", f.audit.bytes_to_fallback},
                              {"bytes_back", f.audit.bytes_back}});
  j["repair"] = nlohmann::json::array();
  for (size_t i = 0; i < d.repair.steps.size(); ++i) {
    const target::RepairStep& s = d.repair.steps[i];
    j["repair"].push_back({{"change", s.change},
                           {"nodes", s.nodes},
                           {"fixes", s.fixes},
                           {"fallbacks_before", s.fallbacks_before},
                           {"fallbacks_after", s.fallbacks_after},
                           {"after", figures_json(d.steps.at(i))}});
  }
  j["remaining"] = d.repair.remaining;
  return j;
}

}  // namespace hwnas::diagnose
