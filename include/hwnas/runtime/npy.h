#pragma once
// NumPy .npy files (format versions 1-3) for model inputs and outputs, and the NCHW <-> NHWC
// moves between the ONNX layout people exchange files in and hwnas' NHWC.
//
//   runtime::Tensor x = runtime::nchw_to_nhwc(runtime::read_npy("in.npy"));   // [1,3,H,W] -> [1,H,W,3]
//   runtime::write_npy("out.npy", logits);
//
// Only little-endian float32 ('<f4') in C order is read; anything else is an Error that says
// what the file holds and how to convert it (np.asarray(x, dtype=np.float32)).
#include <filesystem>
#include <string>
#include <string_view>

#include "hwnas/runtime/tensor.h"

namespace hwnas::runtime {

Tensor read_npy(const std::filesystem::path& path);
// The bytes of a .npy file; `source` names it in errors (read_npy passes the path).
Tensor parse_npy(std::string_view bytes, const std::string& source);
void write_npy(const std::filesystem::path& path, const Tensor& t);  // version 1.0, '<f4'

// Rank-4 transposes; Error for other ranks.
Tensor nchw_to_nhwc(const Tensor& t);
Tensor nhwc_to_nchw(const Tensor& t);

}  // namespace hwnas::runtime
