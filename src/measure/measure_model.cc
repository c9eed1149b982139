#include "hwnas/measure/measure_model.h"

#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/runtime/backend.h"

namespace hwnas::measure {

Measurement measure_model(const ir::Graph& g, const MeasureOptions& o, const std::optional<runtime::Weights>& weights) {
  if (o.threads < 1) fail("measure", "threads must be at least 1, got {}", o.threads);
  Measurement m;
  m.model = g.name();
  m.backend = o.backend;
  m.threads = o.threads;
  m.dtype = o.dtype;
  m.confidence = o.timing.confidence;
  auto backend = runtime::make_backend(o.backend);
  // Pin before prepare(): worker threads inherit the affinity of the thread that starts them.
  // The pin ends with this call (after the model and its threads are gone), so the caller's
  // next measurement, maybe with more threads, starts from the CPUs it had.
  const ScopedPin pin(o.threads, o.pin);
  m.pinning = pin.pinning();
  auto model = backend->prepare(g, weights ? *weights : runtime::init_weights(g, {.seed = o.seed}),
                                {.threads = o.threads, .dtype = o.dtype, .calibration_seed = o.seed});
  Rng rng(o.seed ^ 0x5eedULL);
  for (int i = 0; i < model->num_inputs(); ++i)
    for (float& v : model->input(i)) v = static_cast<float>(2 * rng.uniform() - 1);
  for (int id : model->fallback_nodes()) m.fallback_names.push_back(g.node(id).name);
  m.fallback_nodes = static_cast<int>(m.fallback_names.size());
  m.execution = model->summary();
  m.timing = time_function([&] { model->invoke(); }, o.timing);
  return m;
}

std::string to_text(const Measurement& m) {
  const Summary& s = m.timing.summary;
  std::string text = fmt::format(
      "{}: median {:.4g} ms measured ({}, {} runs, CV {:.1f}%), p10 {:.4g} ms, p90 {:.4g} ms, {} thread{}, {}", m.model,
      s.median, m.dtype == ir::DType::f32 ? m.backend : m.backend + " " + std::string(ir::dtype_name(m.dtype)), s.runs,
      s.cv * 100, s.p10, s.p90, m.threads, m.threads > 1 ? "s" : "", m.pinning.note);
  text += "\n  " + m.timing.note;
  if (m.fallback_nodes > 0) text += "\n  " + m.execution;
  if (m.timing.noisy)
    text += "\n  NOISY: this machine is too busy or unstable for a confident figure; treat it as a rough guide";
  return text;
}

nlohmann::json to_json(const Measurement& m) {
  const Summary& s = m.timing.summary;
  nlohmann::json j = {{"model", m.model},
                      {"source", "measured"},
                      {"backend", m.backend},
                      {"dtype", ir::dtype_name(m.dtype)},
                      {"threads", m.threads},
                      {"median_ms", s.median},
                      {"p10_ms", s.p10},
                      {"p90_ms", s.p90},
                      {"mean_ms", s.mean},
                      {"min_ms", s.min},
                      {"cv", s.cv},
                      {"runs", s.runs},
                      {"converged", m.timing.converged},
                      {"noisy", m.timing.noisy},
                      {"spent_s", m.timing.spent_s},
                      {"note", m.timing.note},
                      {"pinned", m.pinning.pinned},
                      {"cpus", m.pinning.cpus},
                      {"pinning", m.pinning.note},
                      {"fallback_nodes", m.fallback_nodes},
                      {"execution", m.execution}};
  j["confidence"] = m.confidence;
  j["ci_low_ms"] = s.ci_low ? nlohmann::json(*s.ci_low) : nlohmann::json(nullptr);
  j["ci_high_ms"] = s.ci_high ? nlohmann::json(*s.ci_high) : nlohmann::json(nullptr);
  return j;
}

}  // namespace hwnas::measure
