#pragma once
// The interop module as a plugin: libhwnas_interop_plugin.so, which the hwnas CLI loads with
// dlopen() the first time a command needs ONNX export or the "opencv" / "torch" backends.
// Linking libtorch and OpenCV into the CLI made every command, even `hwnas --version`,
// start in half a second and 170 MB while libtorch registered its operators.
//
// The plugin's one C entry point returns this table. Programs that link hwnas_interop
// directly (its tests, bench/runtimes) call the functions themselves and need no plugin.
//
//   const interop::PluginApi& api = *hwnas_interop_plugin();   // in the plugin
//   std::unique_ptr<runtime::Backend> torch = api.make_torch();
//
// The plugin holds its own copies of the hwnas modules it is built from; only the types of
// this table cross between it and the program, built from the same headers by the same
// compiler, and hwnas::Error thrown inside it is caught outside (type_info compares by name).
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hwnas/interop/onnx_export.h"
#include "hwnas/interop/onnx_import.h"
#include "hwnas/runtime/backend.h"

namespace hwnas::interop {

// One batch for the zero-cost proxies (train/proxies.h), as plain arrays: this header sees no
// module above runtime. x is NHWC (shape[0]*...*shape[3] floats), y one label per example;
// both may be null (and shape zero) when only data-free proxies are asked for.
struct ProxyBatch {
  std::array<int, 4> shape{};
  const float* x = nullptr;
  const int* y = nullptr;
};

// The zero-cost proxies, kept in their own table so that other additions to PluginApi merge apart.
struct ProxyApi {
  // Names of the proxies the plugin computes (train::proxy_table()), and whether each reads data.
  std::vector<std::string> (*names)();
  bool (*needs_data)(const std::string& name);
  // Proxies `names` of `g` initialised with `seed` (train::GraphModule), on `batch`, with libtorch
  // set to `threads` intra-op threads. hwnas::Error on an unknown name or a batch that does not fit.
  std::vector<double> (*score)(const ir::Graph& g, const std::vector<std::string>& names, const ProxyBatch& batch,
                               uint64_t seed, int threads);
};

struct PluginApi {
  int version;  // kPluginApiVersion of the plugin's build: a stale plugin is refused
  std::unique_ptr<runtime::Backend> (*make_opencv)();
  std::unique_ptr<runtime::Backend> (*make_torch)();
  OnnxModel (*export_onnx)(const ir::Graph& g, const runtime::Weights& w, const OnnxOptions& options);
  void (*write_onnx)(const std::filesystem::path& path, const OnnxModel& model);
  ProxyApi proxies;
  // The trainer's table (train/plugin_api.h: train::TrainApi), typed void here because train/
  // sits above this module; null when the plugin was built without it. train/train_loader.h casts it.
  const void* (*train_api)();
  ImportedOnnx (*import_onnx)(const std::filesystem::path& path);
};

// Bumped whenever PluginApi or a type it passes changes (2: proxies; 3: the trainer; 4: ONNX import).
inline constexpr int kPluginApiVersion = 4;

}  // namespace hwnas::interop

// The plugin's entry point (apps/interop_plugin/plugin_entry.cc).
extern "C" const hwnas::interop::PluginApi* hwnas_interop_plugin();
