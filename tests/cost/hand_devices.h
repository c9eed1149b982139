#pragma once
// Hand-made devices with round figures, so that roofline, energy and throughput tests can
// check predictions against arithmetic written in the test.
#include "hwnas/hw/device.h"

namespace hwnas::testing {

// One CPU at 1 GHz: 2 conv MACs, 1 depthwise/FC MAC, 1 element per cycle (f32; int8 convs
// do 8 MACs per cycle); 1 GB/s; 1 us per kernel; 100 mW active, 10 mW idle, 5 pJ per byte.
inline hw::Device hand_cpu() {
  hw::Processor p;
  p.name = "cpu";
  p.clock_hz = 1e9;
  using hw::OpClass;
  p.per_cycle = {{{OpClass::Conv, ir::DType::f32}, 2},        {{OpClass::Conv, ir::DType::i8}, 8},
                 {{OpClass::Depthwise, ir::DType::f32}, 1},   {{OpClass::FullyConnected, ir::DType::f32}, 1},
                 {{OpClass::Elementwise, ir::DType::f32}, 1}, {{OpClass::Pool, ir::DType::f32}, 1},
                 {{OpClass::Data, ir::DType::f32}, 1}};
  p.bandwidth_bytes_per_s = 1e9;
  p.op_overhead_s = 1e-6;
  p.active_power_mw = 100;
  hw::Device d;
  d.name = "hand-cpu";
  d.kind = "cpu";
  d.processors = {p};
  d.power.idle_mw = 10;
  d.power.energy_pj_per_byte = 5;
  return d;
}

// An NPU (primary) that runs only conv2d and depthwise (kernels 1 and 3, fused ReLU), add and
// pools, 10x the CPU's rates and bandwidth, 500 mW; everything else falls back to hand_cpu()'s
// CPU over a 100 MB/s link with 10 us per transfer.
inline hw::Device hand_npu() {
  hw::Device d = hand_cpu();
  hw::Processor npu = d.processors[0];
  npu.name = "npu";
  for (auto& [key, rate] : npu.per_cycle) rate *= 10;
  npu.bandwidth_bytes_per_s = 1e10;
  npu.active_power_mw = 500;
  const std::vector<ir::OpKind> relu = {ir::OpKind::Relu};
  npu.ops = std::vector<hw::OpSupport>{
      {.op = ir::OpKind::Conv2D, .kernels = {1, 3}, .fused_activations = relu},
      {.op = ir::OpKind::DepthwiseConv2D, .kernels = {3}, .fused_activations = relu},
      {.op = ir::OpKind::Add},
      {.op = ir::OpKind::AvgPool},
      {.op = ir::OpKind::GlobalAvgPool},
  };
  d.name = "hand-npu";
  d.kind = "npu";
  d.processors = {npu, d.processors[0]};
  d.primary = 0;
  d.fallback = {.processor = 1, .transfer_bytes_per_s = 1e8, .transfer_overhead_s = 1e-5};
  return d;
}

}  // namespace hwnas::testing
