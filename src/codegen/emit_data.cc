// concat, pad, zero (NB201's "none" edge), and reshape / flatten when they are not aliases:
// quant's concat / pad (int8_kernels.cc).
#include <fmt/format.h>

#include "emit.h"
#include "hwnas/core/error.h"

namespace hwnas::codegen::detail {
namespace {

// TFLite's ConcatenationWithScaling: an input with other parameters than the output's is
// requantized in fp32, round(x * s_k/s_out - zp_k * s_k/s_out) + zp_out, with the same float
// operations as quant's. The product goes through a volatile so that no compiler contracts
// it with the sum into a fused multiply-add (GCC does by default where the FPU has one, as
// the Cortex-M7's does), which would round once instead of twice.
void concat(Op& op) {
  const ir::Node& n = op.node();
  const quant::QuantNode& q = op.q();
  const int axis = n.attrs.axis < 0 ? n.attrs.axis + n.shape.rank() : n.attrs.axis;
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= n.shape[d];
  for (int d = axis + 1; d < n.shape.rank(); ++d) inner *= n.shape[d];
  const int64_t out_row = n.shape[axis] * inner;
  const float inverse_out_scale = 1.0f / q.out.scale;
  std::string& s = op.code;
  s += op.signature();
  int64_t start = 0;
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    const quant::QParams p = op.m.output_params(n.inputs[k]);
    const int64_t row = op.in_shape(static_cast<int>(k))[axis] * inner;
    const bool same = p.scale == q.out.scale && p.zero_point == q.out.zero_point;
    const float scale = p.scale * inverse_out_scale, bias = static_cast<float>(-p.zero_point) * scale;
    s += fmt::format("  for (int o = 0; o < {}; ++o)\n    for (int j = 0; j < {}; ++j) {{\n", outer, row);
    if (same) {
      s += fmt::format("      y[o * {} + {} + j] = x{}[o * {} + j];\n    }}\n", out_row, start, k, row);
    } else {
      // %a prints the float's exact bits.
      s += fmt::format("      volatile float p = (float)x{}[o * {} + j] * {:a}f;\n", k, row, scale);
      s += fmt::format("      y[o * {} + {} + j] = hwnas_clamp(hwnas_round(p + {:a}f) + ({}), {}, {});\n    }}\n",
                       out_row, start, bias, q.out.zero_point, q.act_min, q.act_max);
    }
    start += row;
  }
  s += "}\n\n";
}

void pad(Op& op) {
  const ir::Node& n = op.node();
  const ir::Shape& xs = op.in_shape();
  const ir::Shape& ys = n.shape;
  const int8_t fill = quant::quantize_value(n.attrs.value, op.q().out);
  std::string& s = op.code;
  s += op.signature();
  s += fmt::format("  for (int i = 0; i < {}; ++i) y[i] = {};\n", ys.numel(), fill);
  s += fmt::format(R"(  for (int b = 0; b < {}; ++b)
    for (int h = 0; h < {}; ++h)
      for (int k = 0; k < {}; ++k)
        y[((b * {} + h + {}) * {} + {}) * {} + k] = x0[(b * {} + h) * {} + k];
}}

)",
                   xs.n(), xs.h(), xs.w() * xs.c(), ys.h(), n.attrs.pad_top, ys.w(), n.attrs.pad_left, ys.c(), xs.h(),
                   xs.w() * xs.c());
}

}  // namespace

void emit_data(Op& op) {
  const ir::Node& n = op.node();
  if (op.in_place) fail(op.m.graph.describe(op.id), "the arena plan runs it in place, which it cannot");
  switch (n.op) {
    case ir::OpKind::Concat:
      return concat(op);
    case ir::OpKind::Pad:
      return pad(op);
    case ir::OpKind::Zero:
      op.code += op.signature() + fmt::format("  (void)x0;\n  for (int i = 0; i < {}; ++i) y[i] = {};\n}}\n\n",
                                              n.shape.numel(), op.q().out.zero_point);
      return;
    case ir::OpKind::Reshape:
    case ir::OpKind::Flatten:
      op.code += op.signature() + fmt::format("  for (int i = 0; i < {}; ++i) y[i] = x0[i];\n}}\n\n", n.shape.numel());
      return;
    default:
      fail(op.m.graph.describe(op.id), "is not a data-movement op codegen knows");
  }
}

}  // namespace hwnas::codegen::detail
