#pragma once
// measure::measure_memory_usage: what a backend really holds on the heap for one graph,
// measured with glibc's mallinfo2() (bytes in use in every malloc arena, plus blocks
// malloc took with mmap) before and after each phase:
//   weights       the host weights handed to prepare() (runtime::Weights, f32, training form)
//   prepared      held after prepare(): packed weights, activation buffers and workspace
//                 (XNNPACK plans its own), the runtime's objects
//   first invoke  more held after the first invoke() (anything allocated lazily)
// This is the heap the backend keeps, not a transient peak inside invoke() (mallinfo2 sees
// only the current state), and not thread stacks (mmap'ed outside malloc).
//
//   measure::MemoryUsage u = measure::measure_memory_usage(graph, {.backend = "xnnpack"});
//   u.prepared_bytes;     // e.g. 14.1 MiB for mobilenetv2-1.0 f32 (weights + buffers)
//   u.source();           // "measured (xnnpack, glibc mallinfo2 deltas around prepare and one invoke)"
#include <cstdint>
#include <string>

#include "hwnas/ir/graph.h"

namespace hwnas::measure {

// Heap bytes this process holds now: mallinfo2().uordblks + mallinfo2().hblkhd.
int64_t heap_bytes_in_use();

struct MemoryUsageOptions {
  std::string backend = "xnnpack";
  int threads = 1;
  ir::DType dtype = ir::DType::f32;
  uint64_t seed = 0;  // weights and the int8 calibration input
};

struct MemoryUsage {
  std::string backend;
  ir::DType dtype = ir::DType::f32;
  int threads = 1;
  int64_t weights_bytes = 0;
  int64_t prepared_bytes = 0;
  int64_t first_invoke_bytes = 0;

  int64_t runtime_bytes() const { return prepared_bytes + first_invoke_bytes; }
  std::string source() const;
};

// Error naming the backend when it is unknown or cannot run the graph.
MemoryUsage measure_memory_usage(const ir::Graph& g, const MemoryUsageOptions& o = {});

}  // namespace hwnas::measure
