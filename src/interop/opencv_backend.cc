#include "hwnas/interop/opencv_backend.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#include "hwnas/core/error.h"
#include "hwnas/interop/nchw.h"
#include "hwnas/interop/onnx_export.h"
#include "hwnas/interop/opencv_compat.h"

namespace hwnas::interop {
namespace {

cv::Mat blob_of(const ir::Shape& nchw) {
  std::vector<int> dims;
  for (int i = 0; i < nchw.rank(); ++i) dims.push_back(static_cast<int>(nchw[i]));
  return cv::Mat(static_cast<int>(dims.size()), dims.data(), CV_32F, cv::Scalar(0));
}

class OpencvModel : public runtime::PreparedModel {
 public:
  OpencvModel(const ir::Graph& g, const OnnxModel& onnx, int threads)
      : PreparedModel(g), where_("opencv backend, graph '" + g.name() + "'"), nodes_(onnx.nodes), threads_(threads) {
    try {
      const std::string bytes = opencv46_compatible(onnx.bytes);
      net_ = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
      net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    } catch (const cv::Exception& e) {
      fail(where_, "OpenCV DNN cannot import the exported ONNX model: {}", e.what());
    }
    for (const auto& [name, shape] : onnx.inputs) {
      in_names_.push_back(name);
      blobs_.push_back(blob_of(shape));
    }
    for (const auto& [name, shape] : onnx.outputs) out_names_.push_back(name);
    invoke();  // fails here, not in a timing loop, on an operator OpenCV cannot run
  }

  void invoke() override {
    if (cv::getNumThreads() != threads_) cv::setNumThreads(threads_);
    try {
      for (int i = 0; i < num_inputs(); ++i) {
        copy_nhwc_to_nchw(input_shape(i), inputs_[i].data.data(), blobs_[i].ptr<float>());
        net_.setInput(blobs_[i], in_names_[i]);
      }
      net_.forward(outs_, out_names_);
    } catch (const cv::Exception& e) {
      fail(where_, "OpenCV DNN failed to run the model: {}", e.what());
    }
    for (int i = 0; i < num_outputs(); ++i) {
      const cv::Mat& m = outs_.at(i);
      const ir::Shape& s = output_shape(i);
      if (m.type() != CV_32F || !m.isContinuous() || static_cast<int64_t>(m.total()) != s.numel())
        fail(where_, "OpenCV DNN returned {} values for output '{}', expected {}", m.total(), out_names_[i], s.numel());
      copy_nchw_to_nhwc(s, m.ptr<float>(), outputs_[i].data.data());
    }
  }

  std::string summary() const override {
    return fmt::format(
        "opencv: OpenCV {} DNN (OpenCV's own CPU kernels) on the exported ONNX (opset {}, {} nodes), {} thread(s)",
        CV_VERSION, kOnnxOpset, nodes_, threads_);
  }

 private:
  std::string where_;
  int nodes_, threads_;
  cv::dnn::Net net_;
  std::vector<std::string> in_names_;
  std::vector<cv::String> out_names_;
  std::vector<cv::Mat> blobs_, outs_;
};

}  // namespace

std::unique_ptr<runtime::PreparedModel> OpencvBackend::prepare(const ir::Graph& g, const runtime::Weights& w,
                                                               const runtime::BackendOptions& options) const {
  if (options.dtype != ir::DType::f32)
    fail("opencv backend", "runs f32 only, not {}; use the xnnpack backend for int8", ir::dtype_name(options.dtype));
  if (options.threads < 1) fail("opencv backend", "threads must be at least 1, got {}", options.threads);
  return std::make_unique<OpencvModel>(g, export_onnx(g, w), options.threads);
}

}  // namespace hwnas::interop
