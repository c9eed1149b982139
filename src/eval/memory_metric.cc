#include "hwnas/eval/memory_metric.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::eval {

std::string_view memory_value_name(MemoryValue v) {
  return v == MemoryValue::PeakSramKib ? "peak_sram_kib" : "flash_kib";
}

std::vector<std::string> memory_value_names() {
  return {std::string(memory_value_name(MemoryValue::PeakSramKib)),
          std::string(memory_value_name(MemoryValue::FlashKib))};
}

namespace {

plan::MemoryOptions options_for(const hw::Device& device, ir::DType dtype, std::optional<plan::Engine> engine) {
  if (!engine) return plan::default_memory_options(device, dtype);
  if (*engine == plan::Engine::HwnasCodegen) {
    if (dtype != ir::DType::i8)
      fail("memory metric", "engine hwnas-codegen emits int8 only, not {}; use dtype int8 or engine tflm",
           ir::dtype_name(dtype));
    return plan::hwnas_codegen_options();
  }
  return {.dtype = dtype};
}

}  // namespace

MemoryMetric::MemoryMetric(std::string name, CostClass cost, hw::Device device, MemoryValue value, ir::DType dtype,
                           std::shared_ptr<const space::SearchSpace> space, std::optional<plan::Engine> engine)
    : Metric(std::move(name), cost),
      device_(std::move(device)),
      value_(value),
      dtype_(dtype),
      options_(options_for(device_, dtype, engine)),
      space_(std::move(space)) {}

std::string MemoryMetric::source() const {
  return fmt::format("predicted ({}, {}, on {})", plan::memory_plan_description(options_), ir::dtype_name(dtype_),
                     device_.name);
}

std::string MemoryMetric::fingerprint() const {
  const hw::Memory& m = device_.memory;
  // The TFLM form is the one trials were stored under before engines existed: kept as it was.
  const std::string plan = options_.engine == plan::Engine::HwnasCodegen
                               ? "hwnas-codegen best-order in-place=elementwise,depthwise,pointwise fused scratch"
                               : "greedy graph-order";
  return fmt::format("{} {} {} runtime_sram={} runtime_flash={}", memory_value_name(value_), ir::dtype_name(dtype_),
                     plan, m.runtime_sram_bytes, m.runtime_flash_bytes);
}

double MemoryMetric::evaluate(const space::Arch& arch, const std::string&) const {
  const plan::MemoryFootprint f = plan::memory_footprint(space_->decode(arch), device_.memory, options_);
  const int64_t bytes = value_ == MemoryValue::PeakSramKib ? f.peak_sram_bytes : f.flash_bytes;
  return static_cast<double>(bytes) / 1024.0;
}

}  // namespace hwnas::eval
