// hwnas deploy: an int8 model as C for a Cortex-M7, built, run in QEMU and checked bit for bit
// against the int8 reference (docs/codegen.md).
//
//   hwnas deploy runs/kws-int8 --target cortex-m7 --out deploy/kws      # a quantized folder (hwnas quantize --out)
//   hwnas deploy runs/kws --dataset speech-commands:kws --calibration-samples 200 --out deploy/kws
//   hwnas deploy dscnn-mlperf --out deploy/random --inputs 100          # random weights and calibration: warned
//
// Quantizes when the model is not already int8 (calibrating on evenly spaced examples of the
// dataset's train split, or on random inputs with a warning), generates the C, builds the ELF,
// runs it in QEMU on --inputs inputs (test-split examples or random int8), compares every output
// byte with quant::run_int8, and prints flash and RAM off the ELF, the arena against a
// TFLite-Micro-style plan, the instructions of every operator and its Cortex-M7 cycles
// (estimated: docs/mcu.md), in ms at the --device profile's clock (default cortex-m7-f746). DIR gets the sources,
// main.c, the ELF, input.bin / output.bin and report.json, written in a temporary folder that is
// renamed to DIR at the end (DIR must not exist, unless --force).
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/quant/calibration.h"
#include "hwnas/quant/model_folder.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "deploy_step.h"

namespace hwnas::cli {
namespace {
namespace fs = std::filesystem;

struct DeployArgs {
  std::string model, target = "cortex-m7", device = "cortex-m7-f746", out, dataset, prefix = "model";
  int64_t calibration_samples = 100;
  int inputs = 100;
  uint64_t seed = 0;
  bool force = false;
  models::ModelOverrides overrides;
  data::OpenOptions open;
};

void add_deploy(CLI::App& app) {
  auto* cmd = app.add_subcommand("deploy", "int8 model -> C for a Cortex-M7, built, run in QEMU, checked bit for bit");
  auto a = std::make_shared<DeployArgs>();
  cmd->add_option("model", a->model,
                  "a quantized model folder (hwnas quantize --out), a trained model directory, a built-in model, "
                  "<space>:<arch> or a graph JSON file")
      ->required();
  cmd->add_option("--target", a->target, "the microcontroller")->check(CLI::IsMember({"cortex-m7"}))->capture_default_str();
  cmd->add_option("--device", a->device, "microcontroller profile whose clock turns the estimated cycles into ms")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "folder to create with the sources, the ELF and report.json")->required();
  cmd->add_option("--dataset", a->dataset, "<kind>:<path>: calibration examples and the inputs run in QEMU");
  cmd->add_option("--calibration-samples", a->calibration_samples, "examples (evenly spaced) that set the int8 ranges")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--inputs", a->inputs, "inputs run in QEMU and compared with the int8 reference")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--prefix", a->prefix, "C identifier naming the files, <prefix>_invoke() and the constants")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of random weights, calibration and inputs")->capture_default_str();
  cmd->add_flag("--force", a->force, "replace --out if it exists (once the new one is complete)");
  cmd->add_option("--resolution", a->overrides.resolution, "built-in models: input height and width")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--classes", a->overrides.classes, "built-in models: number of output classes")
      ->check(CLI::Range(1, 1000000));
  cmd->callback([a] {
    if (fs::exists(a->out) && !a->force)
      fail(a->out, "already exists; remove it, choose another --out or give --force");
    std::unique_ptr<data::Dataset> ds;
    if (!a->dataset.empty()) ds = data::open_dataset(a->dataset, a->open);
    const mcu::Toolchain tc = mcu::Toolchain::find();  // before the long part
    const hw::Device device = mcu_device(a->device);

    // The int8 model: a quantized folder as it is, anything else quantized here.
    quant::QuantizedModel m;
    std::string source;
    if (fs::exists(fs::path(a->model) / "quant.json")) {
      m = quant::load_quantized_model(a->model);
      source = "quantized folder " + a->model;
    } else {
      const ir::Graph g = target::resolve_model(a->model, a->overrides);
      const std::optional<runtime::Weights> own = target::model_weights(a->model, g);
      if (!own)
        fmt::print(stderr, "WARNING: '{}' has no trained weights: deploying RANDOM WEIGHTS (seed {}).\n", a->model,
                   a->seed);
      const runtime::Weights w = own ? *own : runtime::init_weights(g, {.seed = a->seed, .random_bn_stats = true});
      const runtime::InferenceParams params = runtime::inference_params(g, w, true);
      quant::check_quantizable(g, params);
      std::vector<std::vector<runtime::Tensor>> samples;
      if (ds) {
        for (auto& t : dataset_examples(g, *ds, first_split(*ds), a->calibration_samples)) samples.push_back({t});
        source = fmt::format("calibrated on {} examples of {}", samples.size(), ds->reference());
      } else {
        fmt::print(stderr,
                   "WARNING: no --dataset: calibrating the int8 ranges on {} RANDOM U(-1, 1) inputs; the accuracy of "
                   "this int8 model is unknown (bit-exactness and costs are still real).\n",
                   a->calibration_samples);
        Rng rng(a->seed);
        for (int64_t s = 0; s < a->calibration_samples; ++s) {
          runtime::Tensor t(g.node(g.inputs().at(0)).shape);
          for (float& v : t.data) v = static_cast<float>(2 * rng.uniform() - 1);
          samples.push_back({t});
        }
        source = fmt::format("calibrated on {} random inputs (no dataset)", samples.size());
      }
      m = quant::quantize_model(g, params, quant::calibrate(g, params, samples));
    }

    // Inputs: dataset examples (quantized with the input's parameters) or random int8.
    std::vector<std::vector<int8_t>> inputs;
    if (ds) {
      inputs = dataset_int8_inputs(m, *ds, a->inputs);
    } else {
      Rng rng(a->seed + 1);
      const int64_t n = m.graph.node(m.graph.inputs().at(0)).shape.numel();
      for (int k = 0; k < a->inputs; ++k) {
        std::vector<int8_t> x(static_cast<size_t>(n));
        for (int8_t& v : x) v = static_cast<int8_t>(rng.uniform_int(-128, 127));
        inputs.push_back(std::move(x));
      }
    }

    const Deployment d = deploy_cortex_m7(tc, m, inputs, a->out, {.prefix = a->prefix, .device = device, .replace = a->force},
                                          {{"model", a->model}, {"int8", source}, {"target", a->target}});
    fmt::print("model: {} ({}), int8 {}\n", a->model, m.graph.name(), source);
    print_deployment(d, inputs.size());
    fmt::print("\nwrote {}: {}.c, {}.h, main.c, {}.elf, report.json\n", a->out, a->prefix, a->prefix, a->prefix);
    if (!d.bit_exact())
      fail(a->out, "the Cortex-M7 output differs from the int8 reference in {} bytes", d.mismatches);
  });
}

const CommandRegistration reg(75, add_deploy);

}  // namespace
}  // namespace hwnas::cli
