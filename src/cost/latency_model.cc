// The latency model factory: one line per kind. Kinds whose model reads a predictor file
// (lut, kernel) get LatencyModelOptions::path.
#include "hwnas/cost/latency_model.h"

#include <functional>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/core/suggest.h"
#include "hwnas/cost/calibrated.h"
#include "hwnas/cost/kernel_model.h"
#include "hwnas/cost/roofline.h"

namespace hwnas::cost {
namespace {

using Factory = std::function<std::unique_ptr<LatencyModel>(const LatencyModelOptions&, const hw::Device&)>;

const std::vector<std::pair<std::string, Factory>>& factories() {
  static const std::vector<std::pair<std::string, Factory>> f = {
      {"roofline", [](const LatencyModelOptions&, const hw::Device& d) { return std::make_unique<RooflineModel>(d); }},
      {"lut", [](const LatencyModelOptions& o, const hw::Device&) { return load_kernel_model("lut", o.path); }},
      {"kernel", [](const LatencyModelOptions& o, const hw::Device&) { return load_kernel_model("kernel", o.path); }},
      {"calibrated",
       [](const LatencyModelOptions&, const hw::Device& d) { return std::make_unique<CalibratedModel>(d); }},
  };
  return f;
}

}  // namespace

std::string_view bound_name(Bound b) {
  switch (b) {
    case Bound::Compute:
      return "compute";
    case Bound::Memory:
      return "memory";
    case Bound::Overhead:
      return "overhead";
    case Bound::Transfer:
      return "transfer";
  }
  return "?";
}

std::vector<std::string> latency_model_kinds() {
  std::vector<std::string> kinds;
  for (const auto& [kind, make] : factories()) kinds.push_back(kind);
  return kinds;
}

std::unique_ptr<LatencyModel> make_latency_model(const LatencyModelOptions& o, const hw::Device& device) {
  if (o.kind.empty()) return o.path.empty() ? std::make_unique<RooflineModel>(device) : load_kernel_model("", o.path);
  for (const auto& [kind, make] : factories())
    if (kind == o.kind) return make(o, device);
  const std::string close = closest_match(o.kind, latency_model_kinds());
  fail(fmt::format("latency model '{}'", o.kind), "unknown kind{} (kinds: {})",
       close.empty() ? "" : fmt::format("; did you mean '{}'?", close), fmt::join(latency_model_kinds(), ", "));
}

}  // namespace hwnas::cost
