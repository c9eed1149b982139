#pragma once
// What the kernels of hwnas's generated C (codegen/, docs/codegen.md) need beside the arena,
// from the graph alone: the layout decisions the emitters make, the scratch buffer they share
// and the constant arrays they store in flash. They live in plan so that the memory estimate
// (and through it the search's memory metric, which must not depend on quant or codegen)
// predicts the generated code's RAM and flash; codegen's emitters use these same functions.
//
//   plan::kernel_scratch_bytes(g, id);     // bytes of scratch node id's kernel needs (0: none)
//   plan::kernel_constant_bytes(g, id);    // bytes of node id's const arrays, DSP build
//   plan::generated_scratch_bytes(g, tg, 16); plan::generated_constant_bytes(g, tg);  // whole model
#include <cstdint>

#include "hwnas/ir/graph.h"
#include "hwnas/plan/lifetimes.h"

namespace hwnas::plan {

// A conv2d that is a pointwise (1x1, stride 1, no padding, ungrouped, same H and W): the
// generated kernel runs it pixel by pixel.
bool is_pointwise(const ir::Node& n, const ir::Shape& in);

// A depthwise conv (or an unfolded batch_norm, run as one) copies one input channel at a time
// with its padding into the scratch buffer: the rows and columns of that padded extent.
struct Padded {
  int64_t h = 0, w = 0;
};
Padded padded_extent(const ir::Node& n, const ir::Shape& in);

// The scratch bytes node `id`'s kernel needs: a conv2d two pixels' receptive fields as int16,
// a fully_connected its input row as int16, a depthwise / batch_norm its padded channel as
// int16; 0 for the other ops. The generated code's one scratch buffer is the maximum, aligned.
int64_t kernel_scratch_bytes(const ir::Graph& g, int id);

// Bytes of the `static const` arrays the emitter writes for node `id` when it is emitted (not an
// alias), as a DSP build compiles them: conv2d and fully_connected int8 weights + per output
// channel an int32 bias, an int32 multiplier and an int8 shift; a depthwise conv (and an
// unfolded batch_norm) the same plus, per channel, its horizontally adjacent tap pairs packed
// as int32 (`_wp`, dilation 1 only); a sigmoid / swish / hard_swish / hard_sigmoid its 256-entry
// int8 table; 0 for the rest (their constants are literals in the code).
int64_t kernel_constant_bytes(const ir::Graph& g, int id);

// The generated code's one scratch buffer: the largest kernel_scratch_bytes of the nodes that
// are not aliases in `tg`, rounded up to `alignment`.
int64_t generated_scratch_bytes(const ir::Graph& g, const TensorGraph& tg, int64_t alignment);
// Its constant arrays: kernel_constant_bytes of every node it emits (live, not an alias in `tg`).
int64_t generated_constant_bytes(const ir::Graph& g, const TensorGraph& tg);

}  // namespace hwnas::plan
