#pragma once
// Internal to codegen: what an operator emitter gets and the text helpers they share. Each
// emitter (emit_*.cc, one per operator family) appends to `Op::code` one C function
//   static void <fn>(const int8_t* x0, [const int8_t* x1, ...] int8_t* y)
// whose shapes, strides, pads, zero points, clamps and multipliers are literal constants, and
// its constant arrays (weights, biases, multipliers, shifts, tables) to `Op::consts`.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/quant/quantized_model.h"

namespace hwnas::codegen::detail {

struct Op {
  const quant::QuantizedModel& m;
  int id;
  std::string fn;       // the function's name; also the prefix of its arrays
  bool in_place;        // y overwrites x0 (arena.h says which kernels may)
  std::string scratch;  // the scratch buffer's name (in-place depthwise and pointwise)
  std::string& code;
  std::string& consts;
  int64_t& const_bytes;

  const ir::Node& node() const { return m.graph.node(id); }
  const quant::QuantNode& q() const { return m.nodes[id]; }
  const ir::Shape& in_shape(int k = 0) const { return m.graph.node(node().inputs[k]).shape; }
  int32_t in_zero_point(int k = 0) const { return m.output_params(node().inputs[k]).zero_point; }
  // "static void <fn>(const int8_t* x0, ..., int8_t* y) {" for the node's inputs.
  std::string signature() const;
  // Appends `static const <type> <fn>_<what>[] = {...};` and returns its name.
  std::string array(std::string_view what, std::string_view type, std::span<const int8_t> v);
  std::string array(std::string_view what, std::string_view type, std::span<const int32_t> v);
  // The per-channel multipliers as two arrays (<fn>_mult, <fn>_shift); returns {mult, shift}.
  std::pair<std::string, std::string> multipliers(std::span<const quant::Multiplier> ms);
};

// The fixed-point helpers and the dot product (portable and __ARM_FEATURE_DSP), as C text.
std::string prelude();

void emit_conv(Op& op);             // conv2d (grouped), depthwise_conv2d, unfolded batch_norm
void emit_fully_connected(Op& op);
void emit_pool(Op& op);             // avg_pool, max_pool, global_avg_pool
void emit_elementwise(Op& op);      // relu, relu6, table activations, add, mul
void emit_data(Op& op);             // concat, pad, zero, reshape/flatten copies

// "{a, b, c}" with line breaks every `per_line` values.
std::string c_list(std::span<const int64_t> v, int per_line = 16);

}  // namespace hwnas::codegen::detail
