#include "hwnas/measure/profile.h"

#include <algorithm>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "hwnas/core/csv.h"
#include "hwnas/core/error.h"
#include "hwnas/measure/profile_fusion.h"
#include "hwnas/runtime/weights.h"
#include "hwnas/runtime/xnnpack_backend.h"

namespace hwnas::measure {

double KernelTraffic::intensity() const {
  return bytes() > 0 ? static_cast<double>(macs) / static_cast<double>(bytes()) : 0.0;
}

KernelTraffic kernel_traffic(const ir::Graph& g, const ir::Stats& stats, const ir::Kernel& k, ir::DType dtype) {
  KernelTraffic t;
  t.dtype = dtype;
  const int64_t elem = ir::dtype_bytes(dtype);
  const std::set<int> inside(k.nodes.begin(), k.nodes.end());
  std::set<int> read_from_outside;
  for (int id : k.nodes) {
    t.macs += stats.nodes.at(id).macs;
    t.weight_bytes += stats.nodes.at(id).weight_bytes(dtype);
    for (int in : g.node(id).inputs)
      if (!inside.contains(in)) read_from_outside.insert(in);
  }
  for (int in : read_from_outside) t.bytes_in += g.node(in).shape.numel() * elem;
  // What extract() makes the kernel's outputs: nodes read outside it, graph outputs, the last.
  const ir::Graph piece = ir::extract(g, k.nodes);
  for (int o : piece.outputs()) t.bytes_out += piece.node(o).shape.numel() * elem;
  return t;
}

void fill_rates(KernelProfile& kp, const Roofline& r, ir::OpKind anchor) {
  const double s = kp.time.median * 1e-3;
  const KernelTraffic& t = kp.traffic;
  kp.gmacs_per_s = s > 0 ? static_cast<double>(t.macs) / s / 1e9 : 0;
  kp.gb_per_s = s > 0 ? static_cast<double>(t.bytes()) / s / 1e9 : 0;
  kp.memory_level = r.level_for(t.bytes()).name;
  kp.bound = bound(t.macs, t.bytes(), r, anchor);
  kp.roof_ms = roof_ms(t.macs, t.bytes(), r, anchor);
  kp.roof_fraction = kp.time.median > 0 ? kp.roof_ms / kp.time.median : 0;
}

double Profile::additivity_error() const {
  const double whole_ms = whole.timing.summary.median;
  return whole_ms > 0 ? (sum_ms - whole_ms) / whole_ms : 0;
}

std::vector<int> Profile::slowest(int k) const {
  std::vector<int> order(kernels.size());
  std::iota(order.begin(), order.end(), 0);
  std::ranges::stable_sort(order, [&](int a, int b) { return kernels[a].time.median > kernels[b].time.median; });
  if (k >= 0 && k < static_cast<int>(order.size())) order.resize(k);
  return order;
}

int Profile::noisy_kernels() const {
  return static_cast<int>(std::ranges::count_if(kernels, [](const KernelProfile& k) { return k.noisy; }));
}

namespace {

// The dtype a kernel runs in: int8 only where the backend quantizes its anchor operator and
// runs all of it itself (a fallback node runs in f32 on the reference kernels).
ir::DType kernel_dtype(const ir::Graph& g, const ir::Kernel& k, const ProfileOptions& o, bool has_fallback) {
  if (o.dtype != ir::DType::i8 || o.backend != "xnnpack" || has_fallback) return ir::DType::f32;
  return runtime::xnnpack_quantizes(g.node(k.nodes.front()).op) ? ir::DType::i8 : ir::DType::f32;
}

MeasureOptions measure_options(const ProfileOptions& o, double budget_s) {
  MeasureOptions m;
  m.backend = o.backend;
  m.threads = o.threads;
  m.dtype = o.dtype;
  m.seed = o.seed;
  m.pin = o.pin;
  m.timing.budget_s = budget_s;
  return m;
}

// The tensors of the nodes of `sub` (a piece extract()ed from the model, names kept). A tensor
// the piece reads from outside becomes an input node of the producer's name, which takes none.
std::optional<runtime::Weights> share_of(const std::optional<runtime::Weights>& w, const ir::Graph& sub) {
  if (!w) return std::nullopt;
  runtime::Weights out;
  for (int id = 0; id < sub.size(); ++id)
    if (auto it = w->nodes.find(sub.node(id).name); it != w->nodes.end() && !runtime::expected_weights(sub, id).empty())
      out.nodes.insert(*it);
  return out;
}

}  // namespace

Profile profile_model(const ir::Graph& g, const ProfileOptions& o) {
  if (!(o.kernel_budget_s > 0) || !(o.whole_budget_s > 0))
    fail("profile", "time budgets must be positive (kernel {} s, whole model {} s)", o.kernel_budget_s,
         o.whole_budget_s);
  Profile p;
  p.model = g.name();
  p.backend = o.backend;
  p.dtype = o.dtype;
  p.threads = o.threads;
  const BackendFusion fusion = backend_fusion(o.backend);
  const ir::FusionRules rules = o.rules ? *o.rules : fusion.rules;
  p.fusion =
      o.rules ? (o.fusion_description.empty() ? "caller's fusion rules" : o.fusion_description) : fusion.description;
  p.roofline = o.roofline
                   ? *o.roofline
                   : measure_roofline({.backend = o.backend, .threads = o.threads, .dtype = o.dtype, .pin = o.pin});
  check_roofline(p.roofline);

  p.whole = measure_model(g, measure_options(o, o.whole_budget_s), o.weights);
  const ir::Stats stats = ir::compute_stats(g);
  const std::vector<ir::Kernel> kernels = ir::split_kernels(g, rules);
  const MeasureOptions per_kernel = measure_options(o, o.kernel_budget_s);
  for (const ir::Kernel& k : kernels) {
    KernelProfile kp;
    kp.kernel = k;
    for (int id : k.nodes) kp.nodes.push_back(g.node(id).name);
    Measurement m;
    try {
      const ir::Graph piece = ir::extract(g, k.nodes);
      m = measure_model(piece, per_kernel, share_of(o.weights, piece));
    } catch (const Error& e) {
      throw e.within(fmt::format("profile of '{}': kernel '{}' ({})", g.name(), k.name, k.type));
    }
    kp.time = m.timing.summary;
    kp.noisy = m.timing.noisy;
    kp.fallback = m.fallback_names;
    kp.traffic = kernel_traffic(g, stats, k, kernel_dtype(g, k, o, !kp.fallback.empty()));
    p.sum_ms += kp.time.median;
    p.kernels.push_back(std::move(kp));
    if (o.progress) o.progress(static_cast<int>(p.kernels.size()), static_cast<int>(kernels.size()));
  }
  for (KernelProfile& kp : p.kernels) {
    kp.share = p.sum_ms > 0 ? kp.time.median / p.sum_ms : 0;
    fill_rates(kp, p.roofline, g.node(kp.kernel.nodes.front()).op);
  }
  return p;
}

namespace {

// The columns of one kernel, shared by the JSON and the CSV so that they cannot drift apart.
nlohmann::ordered_json kernel_row(const KernelProfile& k) {
  const Summary& s = k.time;
  return {{"name", k.kernel.name},
          {"type", k.kernel.type},
          {"nodes", k.nodes},
          {"dtype", ir::dtype_name(k.traffic.dtype)},
          {"median_ms", s.median},
          {"p10_ms", s.p10},
          {"p90_ms", s.p90},
          {"cv", s.cv},
          {"runs", s.runs},
          {"noisy", k.noisy},
          {"share", k.share},
          {"macs", k.traffic.macs},
          {"bytes", k.traffic.bytes()},
          {"bytes_in", k.traffic.bytes_in},
          {"bytes_out", k.traffic.bytes_out},
          {"weight_bytes", k.traffic.weight_bytes},
          {"gmacs_per_s", k.gmacs_per_s},
          {"gb_per_s", k.gb_per_s},
          {"intensity", k.traffic.intensity()},
          {"memory_level", k.memory_level},
          {"bound", bound_name(k.bound)},
          {"roof_ms", k.roof_ms},
          {"roof_fraction", k.roof_fraction},
          {"fallback", k.fallback}};
}

std::string csv_cell(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return core::format_number(v.get<double>());
  std::string joined;  // arrays of names
  for (const auto& x : v) joined += (joined.empty() ? "" : ";") + x.get<std::string>();
  return joined;
}

}  // namespace

nlohmann::ordered_json to_json(const Profile& p, int top) {
  nlohmann::ordered_json j;
  j["model"] = p.model;
  j["source"] = "measured";
  j["backend"] = p.backend;
  j["dtype"] = ir::dtype_name(p.dtype);
  j["threads"] = p.threads;
  j["fusion"] = p.fusion;
  nlohmann::ordered_json levels = nlohmann::ordered_json::array();
  for (const MemoryLevel& l : p.roofline.levels)
    levels.push_back({{"name", l.name},
                      {"max_bytes", l.max_bytes},
                      {"gb_per_s", l.bytes_per_s / 1e9},
                      {"ridge_macs_per_byte", p.roofline.ridge(l)}});
  j["roofline"] = {{"peak_gmacs_per_s", p.roofline.peak_macs_per_s / 1e9},
                   {"depthwise_peak_gmacs_per_s", p.roofline.peak_for(ir::OpKind::DepthwiseConv2D) / 1e9},
                   {"levels", levels},
                   {"source", p.roofline.source}};
  j["whole"] = nlohmann::ordered_json::parse(to_json(p.whole).dump());
  j["sum_of_kernels_ms"] = p.sum_ms;
  j["additivity_error"] = p.additivity_error();
  j["noisy_kernels"] = p.noisy_kernels();
  j["fallback_nodes"] = p.whole.fallback_names;
  std::vector<std::string> bottlenecks;
  for (int i : p.slowest(top)) bottlenecks.push_back(p.kernels[i].kernel.name);
  j["bottlenecks"] = bottlenecks;
  j["kernels"] = nlohmann::ordered_json::array();
  for (const KernelProfile& k : p.kernels) j["kernels"].push_back(kernel_row(k));
  return j;
}

std::string to_csv(const Profile& p) {
  std::string text;
  for (const KernelProfile& k : p.kernels) {
    const nlohmann::ordered_json row = kernel_row(k);
    if (text.empty()) {
      std::vector<std::string> header;
      for (const auto& [key, v] : row.items()) header.push_back(key);
      text = core::csv_line(header);
    }
    std::vector<std::string> cells;
    for (const auto& [key, v] : row.items()) cells.push_back(csv_cell(v));
    text += core::csv_line(cells);
  }
  return text;
}

}  // namespace hwnas::measure
