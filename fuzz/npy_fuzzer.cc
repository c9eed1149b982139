// NumPy .npy files (runtime/npy.h), the inputs `hwnas run` feeds a model; a rank-4 tensor is
// also moved to NHWC as an ONNX-layout input is.
#include "fuzz_parser.h"
#include "hwnas/runtime/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return hwnas::fuzz::run(data, size, [](std::string_view bytes) {
    const hwnas::runtime::Tensor t = hwnas::runtime::parse_npy(bytes, "fuzz.npy");
    if (t.shape.rank() == 4) (void)hwnas::runtime::nchw_to_nhwc(t);
  });
}
