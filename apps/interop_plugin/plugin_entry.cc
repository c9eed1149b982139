// The entry point of libhwnas_interop_plugin.so (include/hwnas/interop/plugin.h): the
// interop module's backends and ONNX export behind one table, and the trainer (train/plugin_api.h).
#include "hwnas/interop/opencv_backend.h"
#include "hwnas/interop/plugin.h"
#include "hwnas/interop/torch_backend.h"
#include "hwnas/train/graph_proxies.h"
#include "hwnas/train/plugin_api.h"

namespace {

const hwnas::train::TrainApi kTrainApi = {
    .version = hwnas::train::kTrainApiVersion,
    .train = hwnas::train::train,
    .evaluate = hwnas::train::evaluate,
    .fine_tune_quantized = hwnas::train::fine_tune_quantized,
    .train_detector = hwnas::train::train_detector,
};

using hwnas::interop::OpencvBackend;
using hwnas::interop::TorchBackend;

// The plugin table passes plain arrays (its header sees nothing above runtime); train takes a
// data::Batch.
std::vector<double> score_proxies(const hwnas::ir::Graph& g, const std::vector<std::string>& names,
                                  const hwnas::interop::ProxyBatch& in, uint64_t seed, int threads) {
  hwnas::data::Batch b;
  const bool has_data = in.x && in.y && in.shape[0] > 0;
  if (has_data) {
    b.shape = in.shape;
    const size_t n = static_cast<size_t>(in.shape[0]);
    b.x.assign(in.x, in.x + n * in.shape[1] * in.shape[2] * in.shape[3]);
    b.y.assign(in.y, in.y + n);
  }
  return hwnas::train::score_graph_proxies(g, names, has_data ? &b : nullptr, seed, threads);
}

const hwnas::interop::PluginApi kApi = {
    .version = hwnas::interop::kPluginApiVersion,
    .make_opencv = []() -> std::unique_ptr<hwnas::runtime::Backend> { return std::make_unique<OpencvBackend>(); },
    .make_torch = []() -> std::unique_ptr<hwnas::runtime::Backend> { return std::make_unique<TorchBackend>(); },
    .export_onnx = hwnas::interop::export_onnx,
    .write_onnx = hwnas::interop::write_onnx,
    .proxies = {.names = hwnas::train::proxy_names,
                .needs_data = hwnas::train::proxy_needs_data,
                .score = score_proxies},
    .train_api = []() -> const void* { return &kTrainApi; },
    .import_onnx = hwnas::interop::import_onnx,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const hwnas::interop::PluginApi* hwnas_interop_plugin() {
  return &kApi;
}
