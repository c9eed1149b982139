#pragma once
// The deployment step of `hwnas deploy` and `hwnas search`'s deploy: section: an int8 model as C
// for a Cortex-M7, built, run in QEMU and checked bit for bit against quant::run_int8.
//
//   auto inputs = cli::dataset_int8_inputs(m, *ds, 100);            // test-split examples, quantized
//   cli::Deployment d = cli::deploy_cortex_m7(tc, m, inputs, "deploy/kws", {.prefix = "model"}, report);
//   cli::print_deployment(d, inputs.size());   // bit-exact?, flash, RAM, arena, cycles and ms, per op
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/codegen/generate.h"
#include "hwnas/codegen/runner.h"
#include "hwnas/data/dataset.h"
#include "hwnas/hw/device.h"
#include "hwnas/quant/quantized_model.h"

namespace hwnas::cli {

// Examples `count` evenly spaced over the split, as fp32 tensors shaped like the graph input; an
// Error when the dataset's examples are not the model's input.
std::vector<runtime::Tensor> dataset_examples(const ir::Graph& g, const data::Dataset& ds, data::Split split,
                                              int64_t count);
data::Split first_split(const data::Dataset& ds);  // the first with examples: calibration reads it
data::Split last_split(const data::Dataset& ds);   // the last with examples (test): the inputs run on the target

// `count` examples of last_split(ds), quantized with the model's input parameters.
std::vector<std::vector<int8_t>> dataset_int8_inputs(const quant::QuantizedModel& m, const data::Dataset& ds,
                                                     int64_t count);

// The microcontroller profile (devices/, kind: mcu) whose clock turns estimated cycles into ms; an
// Error naming the profile when it is not a microcontroller.
hw::Device mcu_device(const std::string& name);

struct DeployOptions {
  std::string prefix = "model";  // C identifier naming the files and <prefix>_invoke()
  hw::Device device = mcu_device("cortex-m7-f746");
  bool replace = false;          // replace `out` if it exists (once the new one is complete)
  // Called with the temporary folder before report.json is written: more files to deploy with it.
  std::function<void(const std::filesystem::path&)> before_report;
};

struct Deployment {
  codegen::GeneratedModel gen;
  codegen::Cortexm7Run run;
  int64_t mismatches = 0;  // output bytes that differ from the int8 reference
  int64_t tflm_arena = 0;  // a TFLite-Micro-style plan's arena, bytes
  hw::Device device;       // whose clock gives latency_ms()
  double latency_ms() const;
  nlohmann::json report;   // as written to report.json
  bool bit_exact() const { return mismatches == 0; }
};

// Generates the C, builds the ELF and runs it in QEMU in a temporary folder beside `out`, which
// is renamed to `out` once report.json (`report`'s keys plus bit-exactness, flash, RAM, arena,
// instructions and estimated cycles) is written: `out` is never half-written.
Deployment deploy_cortex_m7(const mcu::Toolchain& tc, const quant::QuantizedModel& m,
                            const std::vector<std::vector<int8_t>>& inputs, const std::filesystem::path& out,
                            const DeployOptions& options, nlohmann::json report);

// The bit-exactness line, flash and RAM off the ELF, the arena against the TFLite-Micro-style
// plan, the estimated cycles and ms, and (ops = true) the instructions and cycles of every operator.
void print_deployment(const Deployment& d, size_t inputs, bool ops = true);

}  // namespace hwnas::cli
