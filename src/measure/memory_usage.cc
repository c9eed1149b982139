#include "hwnas/measure/memory_usage.h"

#include <malloc.h>

// Under AddressSanitizer (scripts/sanitize.sh, the fuzz build) malloc is the sanitizer's:
// glibc's arenas stay empty, so mallinfo2() saw no allocation at all and the memory tests
// failed. The sanitizer's allocator keeps the same count.
#if defined(__SANITIZE_ADDRESS__)
#define HWNAS_SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HWNAS_SANITIZER_MALLOC 1
#endif
#endif
#ifdef HWNAS_SANITIZER_MALLOC
#include <cstddef>
// From <sanitizer/allocator_interface.h>, which GCC 12 on Debian does not install.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

#include <fmt/format.h>

#include "hwnas/runtime/backend.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::measure {

int64_t heap_bytes_in_use() {
#ifdef HWNAS_SANITIZER_MALLOC
  return static_cast<int64_t>(__sanitizer_get_current_allocated_bytes());
#endif
  const struct mallinfo2 m = mallinfo2();
  return static_cast<int64_t>(m.uordblks + m.hblkhd);
}

std::string MemoryUsage::source() const {
  return fmt::format("measured ({}{}, {} thread{}, glibc mallinfo2 deltas around prepare and one invoke)", backend,
                     dtype == ir::DType::i8 ? " int8" : "", threads, threads == 1 ? "" : "s");
}

MemoryUsage measure_memory_usage(const ir::Graph& g, const MemoryUsageOptions& o) {
  const auto backend = runtime::make_backend(o.backend);
  MemoryUsage u;
  u.backend = o.backend;
  u.dtype = o.dtype;
  u.threads = o.threads;
  int64_t before = heap_bytes_in_use();
  const runtime::Weights w = runtime::init_weights(g, {.seed = o.seed});
  u.weights_bytes = heap_bytes_in_use() - before;
  before = heap_bytes_in_use();
  runtime::BackendOptions bo;
  bo.threads = o.threads;
  bo.dtype = o.dtype;
  bo.calibration_seed = o.seed;
  auto model = backend->prepare(g, w, bo);
  u.prepared_bytes = heap_bytes_in_use() - before;
  before = heap_bytes_in_use();
  model->invoke();
  u.first_invoke_bytes = heap_bytes_in_use() - before;
  return u;
}

}  // namespace hwnas::measure
