#pragma once
// Per-kernel profile of a model on a backend. This XNNPACK snapshot has no profiling API, so,
// as nn-Meter does, the graph is split into the kernels the backend really runs
// (profile_fusion.h), each kernel is cut out as its own graph (ir::extract) and timed as its
// own runtime under the timing protocol, and the whole model is timed too. The gap between
// the sum of the kernels and the whole (the additivity error) is reported, not hidden: each
// standalone kernel pays its own invoke overhead and, in int8, converts of its f32 inputs
// and outputs, and finds its inputs in cache where the whole model might not.
//
//   measure::ProfileOptions o;
//   o.threads = 2;
//   o.roofline = my_roofline;   // else measured by measure_roofline() (profile_roofline.h)
//   measure::Profile p = measure::profile_model(graph, o);
//   for (int i : p.slowest(5)) fmt::print("{} {:.3f} ms {}\n", p.kernels[i].kernel.name,
//                                         p.kernels[i].time.median, bound_name(p.kernels[i].bound));
//   p.additivity_error();   // (sum of kernels - whole) / whole
//   measure::to_json(p);    // {"kernels": [...], "whole": {...}, "roofline": {...}, ...}
//
// Per kernel: time (median, p10, p90, CV, runs), share of the sum of kernels, MACs, bytes
// moved (activations read from outside the kernel + activations written + weights, in the
// dtype the kernel runs in), achieved GMAC/s and GB/s, arithmetic intensity, compute- or
// memory-bound against the roofline, the roofline's least time over the measured time, and
// the nodes the backend ran on its reference kernels.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/ir/graph.h"
#include "hwnas/ir/kernels.h"
#include "hwnas/ir/stats.h"
#include "hwnas/measure/measure_model.h"
#include "hwnas/measure/profile_roofline.h"

namespace hwnas::measure {

struct ProfileOptions {
  std::string backend = "xnnpack";
  int threads = 1;
  ir::DType dtype = ir::DType::f32;
  uint64_t seed = 0;  // weights, input values, int8 calibration
  // The model's own weights (a trained model directory: target/model_weights.h); none: seeded.
  // Each kernel then runs on its nodes' share (extract() keeps node names).
  std::optional<runtime::Weights> weights;
  bool pin = true;
  double kernel_budget_s = 0.1;                       // timing protocol budget per kernel
  double whole_budget_s = 2.0;                        // for the whole model
  std::optional<ir::FusionRules> rules;               // default: backend_fusion(backend)
  std::string fusion_description;                     // what `rules` are, when given
  std::optional<Roofline> roofline;                   // default: measure_roofline() with these options
  std::function<void(int done, int total)> progress;  // after each kernel (CLI progress line)
};

// What a kernel moves and computes, from the graph alone.
struct KernelTraffic {
  ir::DType dtype = ir::DType::f32;  // the kernel's activations and weights
  int64_t macs = 0;
  int64_t bytes_in = 0;      // distinct tensors read from outside the kernel
  int64_t bytes_out = 0;     // tensors the kernel writes for readers outside it (or graph outputs)
  int64_t weight_bytes = 0;  // deployable form (BN folded), ir::Stats::weight_bytes
  int64_t bytes() const { return bytes_in + bytes_out + weight_bytes; }
  double intensity() const;  // MACs per byte
};

// `dtype`: the dtype of the kernel (f32, or i8 where the backend runs its anchor in int8).
KernelTraffic kernel_traffic(const ir::Graph& g, const ir::Stats& stats, const ir::Kernel& k, ir::DType dtype);

struct KernelProfile {
  ir::Kernel kernel;
  std::vector<std::string> nodes;  // the kernel's node names
  KernelTraffic traffic;
  Summary time;  // ms
  bool noisy = false;
  double share = 0;          // of the sum of kernel medians
  double gmacs_per_s = 0;    // achieved
  double gb_per_s = 0;       // achieved
  std::string memory_level;  // the roofline level its bytes fit in ("L2", "DRAM", ...)
  Bound bound = Bound::Memory;
  double roof_ms = 0;                 // the roofline's least time for this kernel
  double roof_fraction = 0;           // roof_ms / measured median: 1 = at the roof
  std::vector<std::string> fallback;  // node names run on the backend's reference kernels
};

struct Profile {
  std::string model, backend;
  ir::DType dtype = ir::DType::f32;
  int threads = 1;
  std::string fusion;  // the fusion rule, in words
  Roofline roofline;
  Measurement whole;                   // the whole model, same options
  std::vector<KernelProfile> kernels;  // graph order
  double sum_ms = 0;                   // sum of kernel medians

  // (sum_ms - whole median) / whole median.
  double additivity_error() const;
  // Indices into kernels, slowest first (ties in graph order), at most k (k < 0: all).
  std::vector<int> slowest(int k) const;
  int noisy_kernels() const;
};

// Fills every KernelProfile field that follows from the measured time and the roofline
// (`anchor`: the kernel's first operator, which picks the peak).
void fill_rates(KernelProfile& kp, const Roofline& r, ir::OpKind anchor);

Profile profile_model(const ir::Graph& g, const ProfileOptions& o);

// {"model", "backend", "dtype", "threads", "source": "measured", "fusion",
//  "roofline": {"peak_gmacs_per_s", "depthwise_peak_gmacs_per_s", "levels": [{"name", "max_bytes", "gb_per_s", "ridge_macs_per_byte"}],
//               "source"},
//  "whole": measure::to_json(whole), "sum_of_kernels_ms", "additivity_error",
//  "noisy_kernels", "fallback_nodes": [names], "bottlenecks": [kernel names, slowest first, top],
//  "kernels": [{"name", "type", "nodes", "dtype", "median_ms", "p10_ms", "p90_ms", "cv", "runs",
//               "noisy", "share", "macs", "bytes", "bytes_in", "bytes_out", "weight_bytes",
//               "gmacs_per_s", "gb_per_s", "intensity", "bound", "roof_ms", "roof_fraction",
//               "fallback"}]}
// Keys in the order above. "kernels" loads as a table: pandas.DataFrame(json["kernels"]).
nlohmann::ordered_json to_json(const Profile& p, int top = 5);
// One row per kernel (graph order) with the columns of a "kernels" entry, nodes and
// fallback joined by ';'; loads with pandas.read_csv().
std::string to_csv(const Profile& p);

}  // namespace hwnas::measure
