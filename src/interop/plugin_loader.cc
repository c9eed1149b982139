#include "hwnas/interop/plugin_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/runtime/model_files.h"

namespace hwnas::interop {
namespace {

std::filesystem::path plugin_path() {
  if (const char* env = std::getenv("HWNAS_INTEROP_PLUGIN"); env && *env) return env;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path(".") : exe.parent_path()) / "libhwnas_interop_plugin.so";
}

const PluginApi& load() {
  const std::filesystem::path path = plugin_path();
  const std::string where = "interop plugin " + path.string();
  // RTLD_LOCAL: the plugin's copies of the hwnas modules stay its own.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    fail(where,
         "cannot be loaded ({}); it holds ONNX export and the opencv/torch backends: build it with "
         "`cmake --build build --target hwnas_interop_plugin` (it needs -DHWNAS_WITH_INTEROP=ON), or set "
         "HWNAS_INTEROP_PLUGIN to its path",
         dlerror());
  using Entry = const PluginApi* (*)();
  const auto entry = reinterpret_cast<Entry>(dlsym(handle, "hwnas_interop_plugin"));
  if (!entry) fail(where, "has no entry point hwnas_interop_plugin(); it is not an hwnas interop plugin");
  const PluginApi* api = entry();
  if (api->version != kPluginApiVersion)
    fail(where, "is API version {}, this hwnas needs {}; rebuild it with this hwnas", api->version, kPluginApiVersion);
  return *api;
}

// The backends are listed from the start (--backend offers them) and load the plugin when made.
std::unique_ptr<runtime::Backend> make_opencv() { return plugin().make_opencv(); }
std::unique_ptr<runtime::Backend> make_torch() { return plugin().make_torch(); }

// ONNX files are model references (runtime/model_files.h). The resolver asks for the graph and
// then the weights: the last file read is kept, keyed by its path, size and time.
std::shared_ptr<const runtime::ModelFile> read_onnx(const std::filesystem::path& path) {
  static std::mutex mutex;
  static std::string last_key;
  static std::shared_ptr<const runtime::ModelFile> last;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const auto time = std::filesystem::last_write_time(path, ec);
  if (ec) fail(path.string(), "cannot be read: {}", ec.message());
  const std::string key =
      fmt::format("{}|{}|{}", std::filesystem::absolute(path).string(), size, time.time_since_epoch().count());
  std::lock_guard lock(mutex);
  if (key == last_key && last) return last;
  ImportedOnnx m = plugin().import_onnx(path);
  auto file = std::make_shared<runtime::ModelFile>();
  file->graph = std::move(m.graph);
  file->weights = std::move(m.weights);
  file->format = fmt::format("ONNX opset {}{}", m.opset, m.producer.empty() ? "" : ", " + m.producer);
  file->notes = std::move(m.notes);
  last_key = key;
  last = file;
  return last;
}

const bool kRegistered =
    (runtime::register_backend("opencv", make_opencv), runtime::register_backend("torch", make_torch),
     runtime::register_model_file_reader(".onnx", read_onnx), true);

}  // namespace

const PluginApi& plugin() {
  static std::once_flag once;
  static const PluginApi* api = nullptr;
  std::call_once(once, [] { api = &load(); });
  return *api;
}

}  // namespace hwnas::interop
