#pragma once
// codegen::plan_arena: where every int8 tensor of a quantized model lives in the one static
// arena of its generated C, and the same model's arena as TFLite Micro would plan it.
//
//   codegen::ArenaLayout a = codegen::plan_arena(model, {});   // in-place rules on
//   a.offset_of[id];      // byte offset of node id's output (aliases: their storage's)
//   a.in_place[id];       // node id overwrites its input (the emitter must handle that)
//   a.arena_bytes + a.scratch_bytes;   // the activation RAM the generated code needs
//   codegen::tflm_arena_bytes(model);  // greedy over every tensor, no in-place reuse
//
// Buffers follow quant's aliases (a folded batch_norm or a fused relu/relu6 shares its layer's
// output) and plan's (reshape, flatten). In place, as TinyEngine schedules memory:
//  - element-wise ops (standalone activations, add, mul, an unfolded batch_norm), as TFLM can;
//  - a depthwise conv with equal input and output sizes (stride 1, multiplier 1): the kernel
//    works one channel at a time and copies the channel's input to the scratch buffer first;
//  - a pointwise conv (1x1, stride 1, ungrouped) with as many output as input channels: the
//    kernel works one pixel at a time and widens the pixel's input into the scratch buffer first.
// The scratch buffer is one for all kernels, sized for the largest need: a conv's receptive
// field or an FC's input row as int16, a depthwise's padded input channel as int8.
// The order is plan::best_order's (least peak of live bytes); buffers are placed by the
// greedy planner (plan/greedy_planner.h), every buffer rounded up to 16 bytes as TFLM does.
#include <cstdint>
#include <string>
#include <vector>

#include "hwnas/plan/lifetimes.h"
#include "hwnas/quant/quantized_model.h"

namespace hwnas::codegen {

struct ArenaOptions {
  bool in_place_depthwise = true;
  bool in_place_pointwise = true;
  bool best_order = true;             // false: the graph's own node order
  std::string planner = "greedy";     // plan::make_memory_planner
  int64_t alignment = 16;             // bytes every buffer is rounded up to
};

struct ArenaLayout {
  std::vector<int> order;             // execution order (node ids; aliases included)
  std::vector<int64_t> offset_of;     // per node: byte offset of its output in the arena
  std::vector<char> in_place;         // per node: its output overwrites its (first) input
  std::vector<char> alias;            // per node: no code, its output is another node's bytes
  int64_t arena_bytes = 0;            // the planner's high-water mark
  int64_t scratch_bytes = 0;          // the kernels' scratch buffer (also in .arena)
  int64_t peak_live_bytes = 0;        // lower bound for this order (plan::peak_live_bytes)
  plan::Lifetimes lifetimes;
};

ArenaLayout plan_arena(const quant::QuantizedModel& m, const ArenaOptions& options = {});

// TFLite Micro's plan of the same model: the graph's order, every non-alias tensor its own
// buffer (no in-place reuse), greedy placement, 16-byte alignment.
int64_t tflm_arena_bytes(const quant::QuantizedModel& m);

}  // namespace hwnas::codegen
