// ONNX model files (interop/onnx_import.h), the models users bring: protobuf decoding, shape
// subgraph folding, the operator mapping and the weight permutations all see the input.
#include "fuzz_parser.h"
#include "hwnas/interop/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size,
                          [](std::string_view bytes) { (void)hwnas::interop::import_onnx_bytes(bytes, "fuzz.onnx"); });
}
