#pragma once
// Model files that carry their own graph and weights (ONNX), read by a module above this one
// and known here by their extension, so that the resolver (target/resolver.h) takes them as
// model references without depending on the module that reads them (interop/ registers
// ".onnx": interop/plugin_loader.h).
//
//   if (const runtime::ModelFileReader* read = runtime::model_file_reader("m.onnx")) {
//     std::shared_ptr<const runtime::ModelFile> m = (*read)("m.onnx");  // graph + weights
//   }
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::runtime {

struct ModelFile {
  ir::Graph graph;
  Weights weights;
  std::string format;              // "ONNX opset 13, pytorch 1.13.0"
  std::vector<std::string> notes;  // what the reader mapped rather than translated
};

// Reads the file (Error naming it and the place in it when it cannot). Readers may cache: the
// resolver asks once for the graph and once for the weights.
using ModelFileReader = std::function<std::shared_ptr<const ModelFile>(const std::filesystem::path&)>;

// Registers the reader of files ending in `extension` (".onnx", compared case-insensitively).
// Not thread-safe against concurrent lookups: register at start-up.
void register_model_file_reader(const std::string& extension, ModelFileReader reader);

// The reader for `path`'s extension, or null when none is registered.
const ModelFileReader* model_file_reader(const std::filesystem::path& path);

// The extensions that have readers, for error messages.
std::vector<std::string> model_file_extensions();

}  // namespace hwnas::runtime
