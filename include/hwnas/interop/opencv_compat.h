#pragma once
// Rewrites an exported ONNX model (onnx_export.h) into the form OpenCV 4.6's ONNX importer
// reads correctly, without changing what it computes. Two importer limitations of 4.6 (both
// lifted in later OpenCV releases) need it:
//   - Clip: 4.6 reads only the opset-6 form, bounds as `min`/`max` attributes, and rejects the
//     opset-11+ form with bounds as inputs (which the checker requires at opset 14). Clips
//     whose bounds are initializers get the attributes and lose the inputs.
//   - AveragePool: 4.6 ignores count_include_pad and counts the padding only when the
//     model's producer_name is "pytorch". A pool with count_include_pad=1 and non-zero pads
//     becomes an explicit zero Pad followed by the pool without pads (same sums, same divisor).
// The result is for OpenCV only: it is no longer a valid opset-14 model for the checker.
//
//   std::string bytes = interop::opencv46_compatible(interop::export_onnx(g, w).bytes);
//   cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
#include <string>
#include <string_view>

namespace hwnas::interop {

std::string opencv46_compatible(std::string_view onnx_bytes);

}  // namespace hwnas::interop
