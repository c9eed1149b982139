#pragma once
// The library's version, from project(VERSION) in CMakeLists.txt: one number for `hwnas
// --version`, predictor files, ONNX producer_version and reports.
//
//   fmt::print("hwnas {}\n", hwnas::version());   // "hwnas 0.1.0"
#include <string_view>

namespace hwnas {

std::string_view version();

}  // namespace hwnas
