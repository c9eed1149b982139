// relu, relu6 (when not fused), the table activations (sigmoid, swish, hard_swish,
// hard_sigmoid), add and mul with broadcasting: quant's int8_node (int8_kernels.cc).
// Element-wise ops may run in place: each output byte is written after its inputs are read.
#include <fmt/format.h>

#include "emit.h"
#include "hwnas/core/error.h"

namespace hwnas::codegen::detail {
namespace {

// The element loop: `body` computes `y[i]` from v0, v1, ... (the inputs' int8 values at i).
// Inputs of the output's shape are read at i; a broadcast input (a dimension of 1 where the
// output has more) through its own strides, with the four dimensions as nested loops.
std::string element_loop(const Op& op, const std::string& body) {
  const ir::Node& n = op.node();
  const ir::Shape& ys = n.shape;
  bool broadcast = false;
  for (size_t k = 0; k < n.inputs.size(); ++k) broadcast |= !(op.in_shape(static_cast<int>(k)) == ys);
  std::string s;
  if (!broadcast) {
    s += fmt::format("  for (int i = 0; i < {}; ++i) {{\n", ys.numel());
    for (size_t k = 0; k < n.inputs.size(); ++k) s += fmt::format("    const int32_t v{} = x{}[i];\n", k, k);
    return s + "    " + body + "  }\n";
  }
  const int r = ys.rank(), pad = ir::Shape::kMaxRank - r;
  int64_t dims[ir::Shape::kMaxRank];
  for (int d = 0; d < ir::Shape::kMaxRank; ++d) dims[d] = d < pad ? 1 : ys[d - pad];
  for (int d = 0; d < ir::Shape::kMaxRank; ++d)
    s += fmt::format("{:{}}for (int i{} = 0; i{} < {}; ++i{})\n", "", 2 + 2 * d, d, d, dims[d], d);
  s += std::string(2 + 2 * ir::Shape::kMaxRank, ' ') + "{\n";
  const std::string ind(4 + 2 * ir::Shape::kMaxRank, ' ');
  for (size_t k = 0; k <= n.inputs.size(); ++k) {  // the inputs, then the output (k == size)
    const ir::Shape& xs = k < n.inputs.size() ? op.in_shape(static_cast<int>(k)) : ys;
    if (xs.rank() != r)
      fail(op.m.graph.describe(op.id), "broadcasts inputs of rank {} and {}, which int8 kernels cannot", xs.rank(), r);
    int64_t stride = 1;
    std::string off = "0";
    for (int d = r - 1; d >= 0; --d) {
      if (xs[d] != 1) off += fmt::format(" + i{} * {}", d + pad, stride);
      stride *= xs[d];
    }
    if (k < n.inputs.size())
      s += fmt::format("{}const int32_t v{} = x{}[{}];\n", ind, k, k, off);
    else
      s += fmt::format("{}const int i = {};\n", ind, off);
  }
  return s + ind + body + std::string(2 + 2 * ir::Shape::kMaxRank, ' ') + "}\n";
}

}  // namespace

void emit_elementwise(Op& op) {
  const ir::Node& n = op.node();
  const quant::QuantNode& q = op.q();
  const std::string clamp = fmt::format("{}, {}", q.act_min, q.act_max);
  std::string body;
  switch (n.op) {
    case ir::OpKind::Relu:
    case ir::OpKind::Relu6:
      body = fmt::format("y[i] = hwnas_clamp(({}) + hwnas_mbqm(v0 - ({}), {}, {}), {});\n", q.out.zero_point,
                         op.in_zero_point(), q.out_multipliers.at(0).value, q.out_multipliers.at(0).shift, clamp);
      break;
    case ir::OpKind::Sigmoid:
    case ir::OpKind::HardSigmoid:
    case ir::OpKind::Swish:
    case ir::OpKind::HardSwish: {
      if (q.lut.size() != 256) fail(op.m.graph.describe(op.id), "needs a 256-entry table, has {}", q.lut.size());
      body = fmt::format("y[i] = {}[v0 + 128];\n", op.array("lut", "int8_t", q.lut));
      break;
    }
    case ir::OpKind::Add: {
      if (q.in_multipliers.size() != n.inputs.size())
        fail(op.m.graph.describe(op.id), "has {} input multipliers for {} inputs", q.in_multipliers.size(),
             n.inputs.size());
      body = "int32_t sum = 0;\n";
      for (size_t k = 0; k < n.inputs.size(); ++k)
        body += fmt::format("      sum += hwnas_mbqm((v{} - ({})) * {}, {}, {});\n", k,
                            op.in_zero_point(static_cast<int>(k)), int64_t{1} << q.left_shift,
                            q.in_multipliers[k].value, q.in_multipliers[k].shift);
      body += fmt::format("      y[i] = hwnas_clamp(hwnas_mbqm(sum, {}, {}) + ({}), {});\n",
                          q.out_multipliers.at(0).value, q.out_multipliers.at(0).shift, q.out.zero_point, clamp);
      break;
    }
    case ir::OpKind::Mul:
      body = fmt::format("y[i] = hwnas_clamp(hwnas_mbqm((v0 - ({})) * (v1 - ({})), {}, {}) + ({}), {});\n",
                         op.in_zero_point(0), op.in_zero_point(1), q.out_multipliers.at(0).value,
                         q.out_multipliers.at(0).shift, q.out.zero_point, clamp);
      break;
    default:
      fail(op.m.graph.describe(op.id), "is not an element-wise op codegen knows");
  }
  op.code += op.signature() + element_loop(op, body) + "}\n\n";
}

}  // namespace hwnas::codegen::detail
