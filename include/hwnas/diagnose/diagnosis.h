#pragma once
// diagnose::diagnose(): the bottleneck hunt of a model on a device, as one call (what `hwnas
// diagnose` prints): the slowest kernels and whether each is compute-, memory-, overhead- or
// transfer-bound; what falls back to the device's fallback processor, why, and what that costs;
// then the model repaired for the device (target/repair.h) with every step re-predicted:
// latency, energy, power at a frame rate and fallbacks after the change.
//
//   const hw::Device npu = hw::load_device("npu-generic");
//   const auto model = cost::make_latency_model({.kind = "roofline"}, npu);
//   diagnose::Diagnosis d = diagnose::diagnose(graph, npu, *model, ir::DType::i8, {.fps = 30});
//   d.slowest[0].name;           // "stage5.block0.expand" (kernel names are their first node's)
//   d.fallbacks[0].reason;       // "hardswish is not in npu's operator set"
//   d.repair.steps[0].change;    // "squeeze-excite off"
//   d.after.latency_ms;          // the repaired model, predicted by the same model
//
// Every figure is the latency model's prediction (its source() says which) on the device's
// profile; power is estimated from the profile's power figures (cost/energy.h). The int8 half of
// a diagnosis (which layers lose most when quantized) is in diagnose/int8_losses.h.
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hwnas/cost/latency_model.h"
#include "hwnas/hw/device.h"
#include "hwnas/target/audit.h"
#include "hwnas/target/repair.h"

namespace hwnas::diagnose {

// The predicted figures of one graph.
// A detector's frame also has CPU pre- and post-processing (resize, box decoding, NMS:
// cost/pre_post.h); energy, max_fps and power are of the whole frame.
struct Figures {
  double latency_ms = 0;   // the network
  double pre_post_ms = 0;  // a detector's CPU work around it, estimated; 0 for other models
  double energy_mj = 0;    // per frame
  double max_fps = 0;      // 1000 / (latency + pre/post)
  double power_mw = NAN;   // average at the diagnosis's fps; NaN without one, or when the frame does not fit
  int fallbacks = 0;       // nodes on the fallback processor
  double fallback_ms = 0;  // time of the kernels on the fallback processor, their transfers included
};

struct KernelRow {
  std::string name;       // the kernel's first node
  std::string ops;        // "conv2d+batch_norm+relu6"
  std::string processor;  // "npu", "cpu"
  bool fallback = false;
  double ms = 0, share = 0;  // share of the total
  double compute_ms = 0, memory_ms = 0, transfer_ms = 0;
  cost::Bound bound = cost::Bound::Compute;
  int64_t macs = 0, bytes = 0;
};

struct FallbackRow {
  target::AuditRow audit;  // op, nodes native / fallen back, reason, bytes and transfer ms
  double ms = 0;           // the predicted time of these kernels on the fallback processor, transfers included
};

struct DiagnoseOptions {
  int top = 10;    // slowest kernels listed
  double fps = 0;  // power at this frame rate (0: none)
};

struct Diagnosis {
  std::string model, device;
  ir::DType dtype = ir::DType::f32;
  std::string latency_source;  // the latency model's source(): "predicted (roofline on npu-generic)"
  std::string power_source;    // "estimated from npu-generic's power figures (active, idle, pJ/byte)"
  double fps = 0;
  Figures before;
  std::vector<KernelRow> slowest;      // `top` kernels, slowest first
  std::vector<FallbackRow> fallbacks;  // by operator, most nodes first; empty when all is native
  target::Repair repair;
  std::vector<Figures> steps;  // after each repair step, in order
  Figures after;               // of repair.graph (== before when there were no steps)
};

Figures figures(const ir::Graph& g, const hw::Device& d, const cost::LatencyModel& model, ir::DType dtype, double fps);

Diagnosis diagnose(const ir::Graph& g, const hw::Device& d, const cost::LatencyModel& model, ir::DType dtype,
                   const DiagnoseOptions& o = {});

// diagnosis.json: every field above (the repaired graph itself is written separately).
nlohmann::json to_json(const Diagnosis& d);

}  // namespace hwnas::diagnose
