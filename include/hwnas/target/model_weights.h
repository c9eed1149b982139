#pragma once
// The weights a model reference carries itself, for the commands that run a model (measure,
// run, profile, export, eval): a trained model directory (what `hwnas train --out DIR` writes)
// and a model file with weights (an ONNX file: runtime/model_files.h) have their own; built-in
// names, <space>:<arch> strings and graph JSON files have none, and the command then
// initialises weights from its seed.
//
// A trained model directory:
//   DIR/model.json       the graph (ir/serialize.h); resolve_model(DIR) reads it
//   DIR/weights.hwnasw   its weights (runtime/weights.h), checked against the graph here
//   DIR/metrics.json, DIR/train_log.csv, DIR/curves.svg   written by training, not read here
//
//   const ir::Graph g = target::resolve_model(ref);
//   const std::optional<runtime::Weights> own = target::model_weights(ref, g);
//   const runtime::Weights w = own ? *own : runtime::init_weights(g, {.seed = seed});
//   fmt::print("weights: {}\n", target::weights_source(ref, own.has_value(), seed));
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/model_files.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::target {

inline constexpr std::string_view kModelFile = "model.json";
inline constexpr std::string_view kWeightsFile = "weights.hwnasw";

// True when `ref` names an existing directory (then it must be a trained model directory) and
// is not a built-in model name: those stay built-in; "./<name>" names such a folder.
bool is_model_dir(std::string_view ref);

// The graph file of a model directory; Error naming the directory when it has no model.json.
std::filesystem::path model_dir_graph(std::string_view dir);

// The model file `ref` names (graph and weights) when its extension has a reader, else null.
// Error naming the file when it does not exist, or when it is an .onnx file and this program
// has no ONNX reader (the hwnas CLI has one; it links interop/plugin_loader.h).
std::shared_ptr<const runtime::ModelFile> model_file(std::string_view ref);

// The weights of a trained model directory (DIR/weights.hwnasw, loaded and checked against
// `g`: an Error names the file and the node or role that does not match) or of a model file,
// or nullopt for a reference without weights of its own, including a directory that holds
// only model.json.
std::optional<runtime::Weights> model_weights(std::string_view ref, const ir::Graph& g);

// What a command prints about the weights it ran: "trained weights DIR/weights.hwnasw",
// "the weights of m.onnx" or "untrained: random initialisation from seed S".
std::string weights_source(std::string_view ref, bool own_weights, uint64_t seed);

}  // namespace hwnas::target
