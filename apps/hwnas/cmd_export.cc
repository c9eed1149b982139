// hwnas export: a deployable file of a model with its weights.
//
//   hwnas export mobilenetv2-1.0 --onnx mnv2.onnx --seed 1
//   hwnas export efficientnet-b0 --onnx b0.onnx --weights b0.hwnasw
//   hwnas export 'nb201:|nor_conv_3x3~0|+|...|' --onnx cell.onnx --keep-batchnorm
//
// The ONNX file is NCHW (inputs and outputs too), opset 14, weights as initializers, BatchNorm
// folded unless --keep-batchnorm, and has passed onnx::checker with strict shape inference
// (interop/onnx_export.h; docs/onnx.md). With the same --seed or --weights, `hwnas run` on an
// NCHW .npy computes what an ONNX runtime computes on this file.
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "command.h"
#include "hwnas/interop/plugin_loader.h"
#include "hwnas/runtime/weights.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "hwnas/target/restrict_space.h"
#include "table.h"

namespace hwnas::cli {
namespace {

struct ExportArgs {
  std::string model, onnx, weights;
  models::ModelOverrides overrides;
  uint64_t seed = 0;
  bool keep_batchnorm = false;
};

std::string tensors(const std::vector<std::pair<std::string, ir::Shape>>& ts) {
  std::string s;
  for (const auto& [name, shape] : ts) s += fmt::format("{}'{}' {}", s.empty() ? "" : ", ", name, shape.str());
  return s;
}

void add_export(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Export a model with its weights to ONNX (NCHW, opset 14, checked)");
  auto a = std::make_shared<ExportArgs>();
  cmd->add_option(
         "model", a->model,
         "a built-in model (efficientnet-b0, mobilenetv2-1.0, ...), <space>[@device]:<arch>, a graph JSON file, or a "
         "trained model directory (its weights are exported)")
      ->required();
  cmd->add_option("--onnx", a->onnx, "the ONNX file to write")->required();
  cmd->add_option("--resolution", a->overrides.resolution, "input height and width (default: the model's own)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--classes", a->overrides.classes, "number of output classes (default: the model's own)")
      ->check(CLI::Range(1, 1000000));
  auto* seed =
      cmd->add_option("--seed", a->seed, "seed of the initial weights (as hwnas run --seed)")->capture_default_str();
  cmd->add_option("--weights", a->weights, "an hwnas weight file (.hwnasw) instead of seeded weights")->excludes(seed);
  cmd->add_flag(
      "--keep-batchnorm", a->keep_batchnorm,
      "keep BatchNormalization nodes with their statistics (default: folded into the conv, as runtimes run it)");
  cmd->callback([a] {
    const ir::Graph g = target::resolve_model(a->model, a->overrides);
    // --weights, else the model's own (a trained model directory), else seeded initial weights.
    const std::optional<runtime::Weights> own =
        a->weights.empty() ? target::model_weights(a->model, g) : runtime::load_weights(a->weights, g);
    const runtime::Weights w = own ? *own : runtime::init_weights(g, {.seed = a->seed});
    const interop::PluginApi& onnx = interop::plugin();
    const interop::OnnxModel m = onnx.export_onnx(g, w, {.fold_batchnorm = !a->keep_batchnorm});
    onnx.write_onnx(a->onnx, m);
    fmt::print("{}: wrote {} ({} bytes): ONNX opset {}, {} nodes, {} weight values, BatchNorm {}\n", g.name(), a->onnx,
               group_digits(static_cast<int64_t>(m.bytes.size())), m.opset, m.nodes, group_digits(m.weight_values),
               a->keep_batchnorm ? "kept" : "folded");
    fmt::print("inputs: {} (float32, NCHW)\noutputs: {}\n", tensors(m.inputs), tensors(m.outputs));
    fmt::print("weights: {}; checked: onnx::checker and strict shape inference passed\n",
               a->weights.empty() ? target::weights_source(a->model, own.has_value(), a->seed) : a->weights);
  });
}

CommandRegistration export_reg(37, add_export);

}  // namespace
}  // namespace hwnas::cli
