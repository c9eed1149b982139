// Makes the interop module's backends, "opencv" (OpenCV DNN on the exported ONNX) and
// "torch" (libtorch), known to runtime::make_backend before main() builds the command line,
// so that every command taking --backend (measure, run, profile, ...) offers them.
#include "hwnas/interop/backends.h"

namespace {

const bool kInteropBackends = (hwnas::interop::register_backends(), true);

}  // namespace
