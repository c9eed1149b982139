#include "hwnas/interop/backends.h"

#include "hwnas/interop/opencv_backend.h"
#include "hwnas/interop/torch_backend.h"

namespace hwnas::interop {

void register_backends() {
  runtime::register_backend("opencv",
                            []() -> std::unique_ptr<runtime::Backend> { return std::make_unique<OpencvBackend>(); });
  runtime::register_backend("torch",
                            []() -> std::unique_ptr<runtime::Backend> { return std::make_unique<TorchBackend>(); });
}

}  // namespace hwnas::interop
