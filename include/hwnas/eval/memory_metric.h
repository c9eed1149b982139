#pragma once
// eval::MemoryMetric: the memory a network needs on a device, predicted by the memory planner
// (plan/memory.h, plan::memory_footprint): the peak SRAM (activation arena in graph order,
// greedy planner, plus the runtime's fixed RAM) or the flash (weights in the dtype plus the
// runtime's fixed flash), in KiB (1024 bytes). Cheap by default (tens of microseconds).
//
//   metrics:
//     sram_kib:  {memory: peak_sram_kib, device: cortex-m7, dtype: int8}
//     flash_kib: {memory: flash_kib, device: cortex-m7, dtype: int8}
//
//   eval::MemoryMetric m("sram_kib", eval::CostClass::Cheap, hw::load_device("cortex-m7"),
//                       eval::MemoryValue::PeakSramKib, ir::DType::i8, space);
//   m.evaluate(arch, arch_str);   // 143.5
//   m.source();                   // "predicted (greedy arena planner, graph order, int8, on cortex-m7)"
#include <memory>
#include <string>
#include <vector>

#include "hwnas/eval/metric.h"
#include "hwnas/hw/device.h"
#include "hwnas/ir/shape.h"

namespace hwnas::eval {

enum class MemoryValue { PeakSramKib, FlashKib };
std::string_view memory_value_name(MemoryValue v);  // "peak_sram_kib", "flash_kib"
std::vector<std::string> memory_value_names();

class MemoryMetric : public Metric {
 public:
  MemoryMetric(std::string name, CostClass cost, hw::Device device, MemoryValue value, ir::DType dtype,
               std::shared_ptr<const space::SearchSpace> space);

  std::string source() const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;

 private:
  hw::Device device_;
  MemoryValue value_;
  ir::DType dtype_;
  std::shared_ptr<const space::SearchSpace> space_;  // shared: a timed-out trial may outlive the run
};

}  // namespace hwnas::eval
