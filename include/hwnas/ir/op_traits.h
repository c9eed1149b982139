#pragma once
// The properties of each operator, in one table (src/ir/op_traits.cc), one row per OpKind.
// Code that asks a *property* of an operator (is it elementwise, does it carry weights, which
// MACs rule, may it run in place, ...) reads it here instead of listing operators; code that
// does per-operator *work* (shape formulas, kernels, exporters) may still switch on OpKind.
// Adding an operator is adding its row: the table is checked at compile time to have exactly
// one row per OpKind, in enum order.
//
//   const ir::OpTraits& t = ir::traits(ir::OpKind::Relu6);
//   t.fusable_activation;                        // true: a conv's output clamp
//   ir::traits(ir::OpKind::Add).elementwise;     // ir::Elementwise::Binary
#include <cstdint>
#include <span>
#include <string_view>

#include "hwnas/ir/op.h"

namespace hwnas::ir {

// How compute_stats counts an operator's MACs and parameters.
enum class MacsRule : uint8_t {
  None,            // no MACs, no parameters
  Conv,            // kh * kw * Cin/groups * Cout per output pixel; kernel + bias params
  Depthwise,       // kh * kw * Cout per output pixel; kernel + bias params
  FullyConnected,  // in_features * units per sample; kernel + bias params
  BatchNorm,       // no MACs; 2 * C params (folded into its producer where it can be)
};

// Element by element over its input(s).
enum class Elementwise : uint8_t {
  None,
  Unary,   // one input, one output element per input element (activations, batch_norm)
  Binary,  // two or more inputs, broadcasting (add, mul)
};

// Whether the memory planner may let the output overwrite the input (plan::InPlaceRules).
enum class InPlace : uint8_t {
  No,
  Elementwise,  // under InPlaceRules::elementwise
  Depthwise,    // under InPlaceRules::depthwise, when the output has the input's shape
};

// Which formula infer_shape applies.
enum class ShapeRule : uint8_t {
  Input,        // the attrs' shape
  Conv,         // sliding window, out_channels
  Depthwise,    // sliding window, C * multiplier
  Pool,         // sliding window, C
  Dense,        // [N, units]
  SameAsInput,  // the input's shape (an axis attribute must be in range)
  Broadcast,    // broadcast of the inputs
  Concat,       // the inputs joined along the axis
  GlobalPool,   // [N, 1, 1, C]
  Reshape,      // the target shape, one -1 inferred
  Flatten,      // [N, rest]
  Pad,          // H and W grown by the pads
  Resize,       // [N, out_h, out_w, C]
};

// What an operator costs on a processor (hw::OpClass adds conv/depthwise/fc from MacsRule).
enum class CostClass : uint8_t {
  Macs,         // multiply-accumulates (conv, depthwise, fully connected)
  Elementwise,  // elements: activations, batch_norm, add, mul, softmax
  Pool,         // elements through a window or a reduction
  Data,         // only moves bytes (or none): input, concat, reshape, flatten, pad, resize, zero
};

// The group of a cost model's kernel anchored at the operator (cost::kernel_group).
enum class KernelGroup : uint8_t { Conv, Depthwise, Fc, Add, Mul, Pool, GlobalPool, Elementwise, Data };
std::string_view kernel_group_name(KernelGroup g);  // "conv", "depthwise", "fc", "add", ...

inline constexpr int kVariadic = 1 << 20;  // max_inputs of an operator taking any number

struct OpTraits {
  OpKind op;
  std::string_view name;       // op_name(); JSON and CLI spelling
  uint32_t attr_fields;        // attr_fields(): which Attrs fields it uses (AttrField bits)
  int min_inputs, max_inputs;  // how many inputs it takes
  bool weights;                // carries learned weights (has_weights())
  MacsRule macs;               // MACs and parameters rule (compute_stats)
  Elementwise elementwise;     // none / unary / binary
  bool activation;             // a unary activation function (is_activation())
  bool fusable_activation;     // an output clamp XNNPACK / TFLite fuse into a conv (relu, relu6)
  bool folds_into_producer;    // folded into the conv/depthwise/fc before it (batch_norm)
  bool alias;                  // output is its input's buffer, reinterpreted (reshape, flatten)
  InPlace in_place;            // may overwrite its input (memory planner)
  ShapeRule shape;             // infer_shape's formula
  CostClass cost;              // what it costs on a processor
  KernelGroup kernel_group;    // cost models' kernel group
};

// The row of `op`.
const OpTraits& traits(OpKind op);
// All rows, in OpKind order.
std::span<const OpTraits> all_traits();

// Conv, depthwise or fully connected: a weighted linear operator a batch_norm folds into.
inline bool is_linear(OpKind op) {
  const MacsRule r = traits(op).macs;
  return r == MacsRule::Conv || r == MacsRule::Depthwise || r == MacsRule::FullyConnected;
}

}  // namespace hwnas::ir
