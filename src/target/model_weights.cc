#include "hwnas/target/model_weights.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/models/registry.h"

namespace hwnas::target {
namespace fs = std::filesystem;

bool is_model_dir(std::string_view ref) {
  // A built-in name stays the built-in model even beside a folder of that name (what
  // `hwnas train efficientnet-b0 --out efficientnet-b0` leaves); ./efficientnet-b0 is the folder.
  if (models::is_builtin_model(ref)) return false;
  std::error_code ec;
  return !ref.empty() && fs::is_directory(fs::path(ref), ec);
}

fs::path model_dir_graph(std::string_view dir) {
  const fs::path graph = fs::path(dir) / kModelFile;
  std::error_code ec;
  if (!fs::is_regular_file(graph, ec))
    fail(std::string(dir),
         "a directory given as a model must hold {} (and {}), as `hwnas train --out DIR` writes; this one has no {}",
         kModelFile, kWeightsFile, kModelFile);
  return graph;
}

std::shared_ptr<const runtime::ModelFile> model_file(std::string_view ref) {
  const fs::path path(ref);
  const runtime::ModelFileReader* read = runtime::model_file_reader(path);
  if (!read) {
    if (path.extension() == ".onnx")
      fail(std::string(ref), "ONNX files are read by the hwnas CLI's interop plugin, which this program does not link");
    return nullptr;
  }
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) fail(std::string(ref), "no such model file");
  return (*read)(path);
}

std::optional<runtime::Weights> model_weights(std::string_view ref, const ir::Graph& g) {
  if (const auto file = model_file(ref)) {
    try {
      runtime::check_weights(g, file->weights);
    } catch (const Error& e) {
      throw e.within(fmt::format("{} (its weights against the graph used)", ref));
    }
    return file->weights;
  }
  if (!is_model_dir(ref)) return std::nullopt;
  const fs::path file = fs::path(ref) / kWeightsFile;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  try {
    return runtime::load_weights(file, g);
  } catch (const Error& e) {
    // load_weights names the file for format errors; a mismatch with the graph names the node.
    if (e.where().find(file.string()) != std::string::npos) throw;
    throw e.within(fmt::format("{} (weights of the graph {})", file.string(), (fs::path(ref) / kModelFile).string()));
  }
}

std::string weights_source(std::string_view ref, bool own_weights, uint64_t seed) {
  if (own_weights && !is_model_dir(ref)) return fmt::format("the weights of {}", ref);
  if (own_weights) return fmt::format("trained weights {}", (fs::path(ref) / kWeightsFile).string());
  return fmt::format("untrained: random initialisation from seed {}", seed);
}

}  // namespace hwnas::target
