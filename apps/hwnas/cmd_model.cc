// hwnas model info | export-json: what a model is and costs, read off its graph.
//
//   hwnas model info efficientnet-b0
//   hwnas model info nb201:'|nor_conv_3x3~0|+|...|' --json
//   hwnas model info my_model.json --all
//   hwnas model export-json mobilenetv2-1.0 --resolution 160 -o mnv2_160.json
//
// <model> is resolved by target::resolve_model (built-in name, <space>[@device]:<arch>, graph JSON
// or an ONNX file); the figures come from ir::summarize. This file only formats them.
#include <memory>
#include <string>

#include <fmt/format.h>

#include "command.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/ir/summary.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "hwnas/target/restrict_space.h"
#include "table.h"

namespace hwnas::cli {
namespace {

constexpr const char* kModelHelp =
    "a built-in model (efficientnet-b0, mobilenetv2-1.0, dscnn-mlperf, ...), "
    "<space>:<arch string> (nb201:|nor_conv_3x3~0|+|...|), or a graph JSON file";

struct ModelArgs {
  std::string ref;
  models::ModelOverrides overrides;
};

void add_model_args(CLI::App& cmd, ModelArgs& a) {
  cmd.add_option("model", a.ref, kModelHelp)->required();
  cmd.add_option("--resolution", a.overrides.resolution, "input height and width (default: the model's own)")
      ->check(CLI::Range(1, 100000));
  cmd.add_option("--classes", a.overrides.classes, "number of output classes (default: the model's own)")
      ->check(CLI::Range(1, 1000000));
}

std::string tensors(const std::vector<ir::TensorSummary>& ts) {
  std::string s;
  for (const auto& t : ts) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", t.name, t.shape.str());
  return s;
}

void print_text(const ir::ModelSummary& s) {
  fmt::print("model: {}\ninput: {}\noutputs: {}\n\n", s.name, tensors(s.inputs), tensors(s.outputs));
  TextTable t({{"layer"}, {"op"}, {"output shape"}, {"MACs", Align::Right}, {"params", Align::Right}});
  for (const auto& l : s.layers)
    t.add_row({l.name, std::string(ir::op_name(l.op)), l.shape.str(), group_digits(l.macs), group_digits(l.params)});
  fmt::print("{}\n", t.str());
  const auto& big = s.largest_activation;
  fmt::print("MACs:               {} ({:.1f} M, {:.3f} G)\n", group_digits(s.macs), s.macs / 1e6, s.macs / 1e9);
  fmt::print("params:             {} ({})\n", group_digits(s.params), si(static_cast<double>(s.params)));
  fmt::print("weights:            {} f32, {} int8 (BatchNorm folded; int8 keeps int32 biases)\n",
             kib(s.weight_bytes_f32), kib(s.weight_bytes_int8));
  fmt::print("largest activation: {} f32, {} int8 ({} {})\n",
             kib(s.largest_activation_elems * ir::dtype_bytes(ir::DType::f32)), kib(s.largest_activation_elems),
             big.name, big.shape.str());
  fmt::print("All figures are computed from the graph (not measured).\n");
}

void add_info(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("info", "Layers (output shape, MACs, params) and totals of a model");
  auto a = std::make_shared<ModelArgs>();
  auto json = std::make_shared<bool>(false);
  auto all = std::make_shared<bool>(false);
  add_model_args(*cmd, *a);
  cmd->add_flag("--json", *json, "print JSON: params, macs, weight_bytes, layers [{name, op, shape, macs, params}]");
  cmd->add_flag("--all", *all, "list every node, not only those with MACs or params");
  cmd->callback([a, json, all] {
    const ir::ModelSummary s = ir::summarize(target::resolve_model(a->ref, a->overrides), *all);
    if (*json) return fmt::print("{}\n", ir::summary_json(s).dump(2));
    // A model file says what it was and what the import mapped (an ONNX file's opset, producer).
    if (const auto file = target::model_file(a->ref)) {
      fmt::print("file: {} ({})\n", a->ref, file->format);
      for (const std::string& note : file->notes) fmt::print("  note: {}\n", note);
    }
    print_text(s);
  });
}

void add_export(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("export-json",
                                    "Write a model's graph as JSON (docs/graph-format.md), to edit "
                                    "and feed back as <model>");
  auto a = std::make_shared<ModelArgs>();
  auto out = std::make_shared<std::string>();
  add_model_args(*cmd, *a);
  cmd->add_option("-o,--output", *out, "the JSON file to write")->required();
  cmd->callback([a, out] {
    const ir::Graph g = target::resolve_model(a->ref, a->overrides);
    ir::save_graph(g, *out);
    fmt::print("wrote {} ({}: {} nodes)\n", *out, g.name(), g.size());
  });
}

const CommandRegistration reg(10, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("model", "Inspect a model: layers, MACs, params, weight bytes; export its graph");
  cmd->require_subcommand(1);
  add_info(*cmd);
  add_export(*cmd);
});

}  // namespace
}  // namespace hwnas::cli
