// The entry point of libhwnas_interop_plugin.so (include/hwnas/interop/plugin.h): the
// interop module's backends and ONNX export behind one table, and the trainer (train/plugin_api.h).
#include "hwnas/interop/opencv_backend.h"
#include "hwnas/interop/plugin.h"
#include "hwnas/interop/torch_backend.h"
#include "hwnas/train/plugin_api.h"

namespace {

const hwnas::train::TrainApi kTrainApi = {
    .version = hwnas::train::kTrainApiVersion,
    .train = hwnas::train::train,
    .evaluate = hwnas::train::evaluate,
};

using hwnas::interop::OpencvBackend;
using hwnas::interop::TorchBackend;

const hwnas::interop::PluginApi kApi = {
    .version = hwnas::interop::kPluginApiVersion,
    .make_opencv = []() -> std::unique_ptr<hwnas::runtime::Backend> { return std::make_unique<OpencvBackend>(); },
    .make_torch = []() -> std::unique_ptr<hwnas::runtime::Backend> { return std::make_unique<TorchBackend>(); },
    .export_onnx = hwnas::interop::export_onnx,
    .write_onnx = hwnas::interop::write_onnx,
    .train_api = []() -> const void* { return &kTrainApi; },
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const hwnas::interop::PluginApi* hwnas_interop_plugin() {
  return &kApi;
}
