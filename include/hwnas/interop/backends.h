#pragma once
// Makes the interop backends known to runtime::make_backend(): "opencv" (opencv_backend.h)
// and "torch" (torch_backend.h). The runtime module cannot depend on this one, so programs
// that want them call this once at start-up (the hwnas CLI does; so do this module's tests
// and bench/runtimes). Calling it again is harmless.
//
//   interop::register_backends();
//   auto m = runtime::make_backend("torch")->prepare(g, w, {.threads = 2});
namespace hwnas::interop {

void register_backends();

}  // namespace hwnas::interop
