#include "hwnas/measure/memory_usage.h"

#include <malloc.h>

#include <fmt/format.h>

#include "hwnas/runtime/backend.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::measure {

int64_t heap_bytes_in_use() {
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
