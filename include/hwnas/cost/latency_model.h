#pragma once
// cost::LatencyModel: predicts the latency of a graph on a device, with a per-kernel
// breakdown (a kernel is one op, or ops the backend fuses: conv + its folded batch_norm +
// relu). Implementations: roofline (from the device profile alone), lut (per-op tables
// measured on a backend), kernel (nn-Meter style: fused kernels, one XGBoost regressor per
// kernel type), calibrated (a few factors fitted to measured whole-model latencies).
//
//   hw::Device dev = hw::load_device("raspi4");
//   auto model = cost::make_latency_model({.kind = "roofline"}, dev);
//   cost::LatencyPrediction p = model->predict(graph, ir::DType::f32);
//   p.total_ms;                 // 12.3
//   p.kernels[0].ms;            // per kernel, with its nodes, processor, bound
//   model->source();            // "predicted (roofline on raspi4)"
//
// predict_ms() is the hot path of a search (millions of calls): implementations may skip
// building the breakdown there.
#include <memory>
#include <string>
#include <vector>

#include "hwnas/hw/device.h"
#include "hwnas/ir/graph.h"

namespace hwnas::cost {

enum class Bound : uint8_t { Compute, Memory, Overhead, Transfer };
std::string_view bound_name(Bound b);  // "compute", "memory", "overhead", "transfer"

struct KernelCost {
  std::vector<int> nodes;  // graph node ids, in order; the first names the kernel
  int processor = 0;       // index into the device's processors
  bool fallback = false;   // runs on the fallback processor (see transfer_ms)
  double ms = 0;           // total of this kernel, transfer included
  double compute_ms = 0;   // roofline terms where the model has them (0 otherwise)
  double memory_ms = 0;
  double transfer_ms = 0;  // moving tensors to/from the fallback processor
  Bound bound = Bound::Compute;
  int64_t macs = 0;
  int64_t bytes = 0;  // activations read + written + weights read
};

struct LatencyPrediction {
  double total_ms = 0;
  std::vector<KernelCost> kernels;
  std::string source;  // "predicted (roofline on raspi4)"
};

struct LatencyModelOptions {
  std::string kind = "roofline";  // roofline | lut | kernel | calibrated; "": the path's kind (roofline without one)
  std::string path;               // lut / kernel: the predictor file; calibrated: optional base file
};

class LatencyModel {
 public:
  virtual ~LatencyModel() = default;
  virtual std::string kind() const = 0;
  // How its figures are to be labelled: "predicted (kernel model host-xnnpack v1 on host)".
  virtual std::string source() const = 0;
  // Changes when predictions could change (model file contents, device profile): resume checks.
  virtual std::string fingerprint() const = 0;
  virtual LatencyPrediction predict(const ir::Graph& g, ir::DType dtype) const = 0;
  virtual double predict_ms(const ir::Graph& g, ir::DType dtype) const { return predict(g, dtype).total_ms; }
  // True when every graph's total is the sum of its kernels' ms plus one constant, so that a
  // kernel costs the same in any graph (cost::ArchLatency memoises pieces of graphs on that).
  virtual bool additive() const { return true; }
};

// Error naming the kind (with the valid kinds) or the file when it cannot be built.
std::unique_ptr<LatencyModel> make_latency_model(const LatencyModelOptions& o, const hw::Device& device);
std::vector<std::string> latency_model_kinds();

}  // namespace hwnas::cost
