#pragma once
// The "opencv" backend: OpenCV DNN (libopencv-dev 4.6, its own CPU kernels) running the ONNX
// file hwnas exports (onnx_export.h). It answers two questions with one mechanism: does the
// exported file load and compute the right numbers in a third-party runtime, and how fast is
// that runtime next to XNNPACK on the same weights and threads.
//
//   interop::register_backends();                     // once: makes "opencv" known
//   auto model = runtime::make_backend("opencv")->prepare(g, w, {.threads = 2});
//   model->invoke();                                   // NHWC in and out, like every backend
//
// prepare() exports the graph in memory (BatchNorm folded), adapts it to two limitations of
// OpenCV 4.6's importer (opencv_compat.h: Clip bounds as attributes, AveragePool padding that
// counts made explicit), loads it with cv::dnn::readNetFromONNX from the buffer
// (DNN_BACKEND_OPENCV, DNN_TARGET_CPU) and runs it
// once, so that an operator OpenCV cannot import or run is an Error here, not in a timing
// loop. invoke() converts the NHWC inputs to NCHW blobs, calls Net::forward and converts the
// outputs back; cv::setNumThreads is process-wide, so invoke() sets it to this model's count.
// fp32 only.
#include "hwnas/runtime/backend.h"

namespace hwnas::interop {

class OpencvBackend : public runtime::Backend {
 public:
  std::string name() const override { return "opencv"; }
  std::unique_ptr<runtime::PreparedModel> prepare(const ir::Graph& g, const runtime::Weights& w,
                                                  const runtime::BackendOptions& options = {}) const override;
};

}  // namespace hwnas::interop
