#pragma once
// A latency prediction with its energy as JSON: what `hwnas predict <model> --json` prints.
//
//   const cost::LatencyPrediction p = model.predict(g, dtype);
//   const cost::Energy e = cost::estimate_energy(device, p);
//   nlohmann::ordered_json j = cost::to_json(g, device, dtype, p, e);
//   // {"model", "device", "dtype", "source", "latency_ms", "energy_mj", "max_fps",
//   //  ["average_power_mw": {"fps", "mw"},] "kernels": [{"name", "type", "processor", "fallback",
//   //  "ms", "compute_ms", "memory_ms", "transfer_ms", "bound", "macs", "bytes"}, ...]}
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hwnas/cost/energy.h"
#include "hwnas/cost/latency_model.h"
#include "hwnas/hw/device.h"
#include "hwnas/ir/graph.h"

namespace hwnas::cost {

// The ops of a kernel, joined: "conv2d+batch_norm+relu6".
std::string kernel_ops(const ir::Graph& g, const KernelCost& k);

// The average power at a frame rate (cost::average_power_mw).
struct AveragePower {
  double fps = 0;
  double mw = 0;
};

// A kernel is named by its first node and typed by kernel_ops; its processor is named by the
// device. Throws if a kernel's processor is not one of the device's.
nlohmann::ordered_json to_json(const ir::Graph& g, const hw::Device& d, ir::DType dtype, const LatencyPrediction& p,
                               const Energy& e, const std::optional<AveragePower>& power = std::nullopt);

}  // namespace hwnas::cost
