#pragma once
// cost::RooflineModel: latency from the device profile alone, kernel by kernel (Williams et
// al.'s roofline): a kernel takes the longer of its compute and its memory traffic, plus the
// processor's fixed launch overhead.
//
//   hw::Device dev = hw::load_device("pixel3-cpu");
//   cost::RooflineModel model(dev);
//   cost::LatencyPrediction p = model.predict(graph, ir::DType::f32);
//   p.kernels[0].bound;   // Bound::Compute: the stem conv is limited by MACs, not bytes
//
// Per kernel (ir::split_kernels with roofline_fusion_rules(), then cut where placement
// changes processor, so that one kernel runs on one processor):
//   compute  = work / (clock_hz x per_cycle[op class, dtype]) of the kernel's first node,
//              work = MACs (conv, depthwise, FC), output elements (elementwise), output
//              elements x window (pools; a global pool's window is the whole input), 0 (data).
//              A folded batch_norm or a fused activation adds nothing: it is applied to the
//              anchor's output in registers.
//   memory   = bytes / bandwidth, bytes = the tensors read from outside the kernel + the
//              tensors it writes (read elsewhere or graph outputs) + its weights, in `dtype`.
//              When the processor has a weights bandwidth (weights_bandwidth_gb_s: weights in
//              flash or DRAM on another port than the activations' SRAM, as Vela's system
//              configs put them), the two ports work in parallel, as Vela estimates a layer by
//              the slowest memory area: memory = max(activation bytes / bandwidth,
//              weight bytes / weights bandwidth). KernelCost::bytes counts both.
//   ms       = max(compute, memory) + op_overhead + transfer
//   transfer = only for kernels on the fallback processor: for every input tensor made on
//              another processor (graph inputs live with the primary) and once for its output
//              when a reader runs on another processor or it is a graph output (the
//              application reads results from the primary): bytes / transfer rate + overhead.
//   bound    = the largest of the compute, memory, overhead and transfer terms.
// The total adds the primary processor's invoke_overhead once per inference.
#include <string>

#include "hwnas/cost/latency_model.h"
#include "hwnas/hw/device.h"
#include "hwnas/ir/kernels.h"

namespace hwnas::cost {

// Fusions every runtime the roofline stands for does: batch_norm folding, and ReLU / ReLU6
// clamps fused into the conv, depthwise or FC before them (XNNPACK, TFLite, CMSIS-NN).
ir::FusionRules roofline_fusion_rules();

class RooflineModel : public LatencyModel {
 public:
  // Throws hwnas::Error naming the device and the field when a processor has no clock or
  // bandwidth, or a fallback has no transfer rate.
  explicit RooflineModel(hw::Device device);

  std::string kind() const override { return "roofline"; }
  std::string source() const override;       // "predicted (roofline on pixel3-cpu)"
  std::string fingerprint() const override;  // "roofline/<hash of the device profile>"
  LatencyPrediction predict(const ir::Graph& g, ir::DType dtype) const override;

  const hw::Device& device() const { return device_; }

 private:
  hw::Device device_;
};

}  // namespace hwnas::cost
