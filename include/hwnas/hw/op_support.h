#pragma once
// Matching a node against a processor's supported-operator set (hw::OpSupport entries), with
// the reason when nothing matches. place() (device.h) builds on it; the audit and the space
// restriction (target/audit.h) use it to ask "could this processor run that operator at all?".
//
//   std::string why;
//   const hw::OpSupport* s = hw::find_support(npu, graph, 7, ir::DType::i8, &why);
//   if (!s) fmt::print("{}\n", why);   // "kernel 7 not in [3, 5]", or with the entry's rule:
//   // "dilated kernel height 65 over 64 (must be in [1, 64]) (Vela 3.6.1 CONV_2D)"
//   hw::runs_op(npu, ir::OpKind::HardSwish);  // false: neither an entry nor a fused activation
#include <string>

#include "hwnas/hw/device.h"

namespace hwnas::hw {

// The first entry of p's operator set that accepts node `id` of g at dtype t (the graph gives
// the input shapes some limits read); nullptr (and *reason set, from the first entry for the
// op, naming the entry's rule when it has one) when none does. A processor without an operator set
// (ops == nullopt) accepts everything and returns nullptr with an empty reason: test
// accepts() instead when only the verdict matters.
const OpSupport* find_support(const Processor& p, const ir::Graph& g, int id, ir::DType t, std::string* reason);
bool accepts(const Processor& p, const ir::Graph& g, int id, ir::DType t, std::string* reason = nullptr);

// Whether p can run `op` in some form: an entry for it (whatever its parameter limits), or, for
// an activation, an entry that fuses it. True for processors without an operator set.
bool runs_op(const Processor& p, ir::OpKind op);

// "depthwise_conv2d k7 s1", "conv2d k10x4 s2", "hardswish": the operator and the parameters
// the operator sets constrain, as the audit groups nodes.
std::string op_key(const ir::Node& n);

}  // namespace hwnas::hw
