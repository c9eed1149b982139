#pragma once
// eval::MemoryMetric: the memory a network needs on a device, predicted by the memory planner
// (plan/memory.h, plan::memory_footprint): the peak SRAM (activation arena plus the runtime's
// fixed RAM) or the flash (weights plus the runtime's fixed flash), in KiB (1024 bytes).
//
// Which runtime it predicts (`engine:`, plan::Engine): on a microcontroller (device kind mcu)
// in int8, by default the C that `hwnas deploy` generates (plan::hwnas_codegen_options(): its
// arena plan with in-place depthwise and pointwise convs, fused activations and the best order,
// plus the kernels' scratch; flash = its constant arrays), which is exactly what the deployed
// code needs; elsewhere, or with `engine: tflm`, a TFLite-Micro-style interpreter (greedy
// planner in graph order; flash = ir::Stats weights). Cheap by default: tens of microseconds
// for TFLM; the codegen plan's best-order search is as fast on chains (DS-CNN) but costs
// milliseconds on branchy cells (NB201).
//
//   metrics:
//     sram_kib:  {memory: peak_sram_kib, device: cortex-m7, dtype: int8}
//     flash_kib: {memory: flash_kib, device: cortex-m7, dtype: int8, engine: tflm}
//
//   eval::MemoryMetric m("sram_kib", eval::CostClass::Cheap, hw::load_device("cortex-m7"),
//                       eval::MemoryValue::PeakSramKib, ir::DType::i8, space);
//   m.evaluate(arch, arch_str);   // 143.5
//   m.source();   // "predicted (hwnas codegen arena plan: greedy, best order, in-place depthwise and
//                 //  pointwise, fused activations, kernel scratch, int8, on cortex-m7)"
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/eval/metric.h"
#include "hwnas/hw/device.h"
#include "hwnas/ir/shape.h"
#include "hwnas/plan/memory.h"

namespace hwnas::eval {

enum class MemoryValue { PeakSramKib, FlashKib };
std::string_view memory_value_name(MemoryValue v);  // "peak_sram_kib", "flash_kib"
std::vector<std::string> memory_value_names();

class MemoryMetric : public Metric {
 public:
  // No engine: plan::default_memory_options(device, dtype).
  MemoryMetric(std::string name, CostClass cost, hw::Device device, MemoryValue value, ir::DType dtype,
               std::shared_ptr<const space::SearchSpace> space, std::optional<plan::Engine> engine = std::nullopt);

  std::string source() const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;

 private:
  hw::Device device_;
  MemoryValue value_;
  ir::DType dtype_;
  plan::MemoryOptions options_;
  std::shared_ptr<const space::SearchSpace> space_;  // shared: a timed-out trial may outlive the run
};

}  // namespace hwnas::eval
