#include "hwnas/cost/energy.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::cost {

Energy estimate_energy(const hw::Device& d, const LatencyPrediction& p) {
  Energy e;
  e.latency_ms = p.total_ms;
  int64_t bytes = 0;
  double kernels_ms = 0;
  for (const KernelCost& k : p.kernels) {
    if (k.processor < 0 || k.processor >= static_cast<int>(d.processors.size()))
      fail(fmt::format("energy on device '{}': kernel {}", d.name, k.nodes.empty() ? -1 : k.nodes[0]),
           "runs on processor {}, but the device has {} processor(s); predict with the same device", k.processor,
           d.processors.size());
    e.compute_mj += d.processors[k.processor].active_power_mw * k.ms * 1e-3;  // mW x ms = uJ
    bytes += k.bytes;
    kernels_ms += k.ms;
  }
  // Time outside the kernels (the per-inference invoke overhead) keeps the primary active.
  if (p.total_ms > kernels_ms)
    e.compute_mj += d.processors.at(d.primary).active_power_mw * (p.total_ms - kernels_ms) * 1e-3;
  e.memory_mj = static_cast<double>(bytes) * d.power.energy_pj_per_byte * 1e-9;  // pJ = 1e-9 mJ
  e.energy_mj = e.compute_mj + e.memory_mj;
  e.max_fps = p.total_ms > 0 ? 1e3 / p.total_ms : 0;
  return e;
}

double average_power_mw(const hw::Device& d, const Energy& e, double fps) {
  const std::string where = fmt::format("average power on device '{}' at {} FPS", d.name, fps);
  if (!(fps > 0)) fail(where, "the frame rate must be positive");
  const double busy = fps * e.latency_ms * 1e-3;  // share of each second spent inferring
  if (busy > 1 + 1e-12)                           // (rounding: fps = max_fps gives a busy share of 1 to the last bit)
    fail(where, "the frame rate is above the maximum of {:.4g} FPS (one inference takes {:.4g} ms); lower it",
         e.max_fps, e.latency_ms);
  return e.energy_mj * fps + d.power.idle_mw * std::max(0.0, 1 - busy);  // mJ x 1/s = mW
}

}  // namespace hwnas::cost
