#include "hwnas/eval/memory_metric.h"

#include <fmt/format.h>

#include "hwnas/plan/memory.h"

namespace hwnas::eval {

std::string_view memory_value_name(MemoryValue v) {
  return v == MemoryValue::PeakSramKib ? "peak_sram_kib" : "flash_kib";
}

std::vector<std::string> memory_value_names() {
  return {std::string(memory_value_name(MemoryValue::PeakSramKib)),
          std::string(memory_value_name(MemoryValue::FlashKib))};
}

MemoryMetric::MemoryMetric(std::string name, CostClass cost, hw::Device device, MemoryValue value, ir::DType dtype,
                           std::shared_ptr<const space::SearchSpace> space)
    : Metric(std::move(name), cost),
      device_(std::move(device)),
      value_(value),
      dtype_(dtype),
      space_(std::move(space)) {}

std::string MemoryMetric::source() const {
  // The options memory_footprint() is called with below: the greedy planner in graph order.
  return fmt::format("predicted (greedy arena planner, graph order, {}, on {})", ir::dtype_name(dtype_), device_.name);
}

std::string MemoryMetric::fingerprint() const {
  const hw::Memory& m = device_.memory;
  return fmt::format("{} {} greedy graph-order runtime_sram={} runtime_flash={}", memory_value_name(value_),
                     ir::dtype_name(dtype_), m.runtime_sram_bytes, m.runtime_flash_bytes);
}

double MemoryMetric::evaluate(const space::Arch& arch, const std::string&) const {
  const plan::MemoryFootprint f =
      plan::memory_footprint(space_->decode(arch), device_.memory, {.dtype = dtype_, .planner = "greedy"});
  const int64_t bytes = value_ == MemoryValue::PeakSramKib ? f.peak_sram_bytes : f.flash_bytes;
  return static_cast<double>(bytes) / 1024.0;
}

}  // namespace hwnas::eval
