// avg_pool, max_pool, global_avg_pool: quant's pool / global_avg_pool (int8_kernels.cc).
#include <fmt/format.h>

#include "emit.h"
#include "hwnas/core/error.h"
#include "hwnas/ir/shape_inference.h"

namespace hwnas::codegen::detail {
namespace {

void window_pool(Op& op) {
  const ir::Node& n = op.node();
  const ir::Shape& xs = op.in_shape();
  const ir::Attrs& a = n.attrs;
  const ir::Pads pad = ir::resolve_pads(a, xs.h(), xs.w());
  const bool is_max = n.op == ir::OpKind::MaxPool;
  const quant::QuantNode& q = op.q();
  std::string& s = op.code;
  s += op.signature();
  s += fmt::format(
      "  enum {{ N = {}, IH = {}, IW = {}, C = {}, OH = {}, OW = {}, KH = {}, KW = {}, SH = {}, SW = {}, PT = {}, "
      "PL = {}, ZP = {} }};\n",
      n.shape.n(), xs.h(), xs.w(), xs.c(), n.shape.h(), n.shape.w(), a.kernel_h, a.kernel_w, a.stride_h, a.stride_w,
      pad.top, pad.left, op.in_zero_point());
  s += fmt::format(R"(  for (int b = 0; b < N; ++b)
    for (int oh = 0; oh < OH; ++oh)
      for (int ow = 0; ow < OW; ++ow)
        for (int c = 0; c < C; ++c) {{
          int32_t acc = {}, count = 0;
          for (int kh = 0; kh < KH; ++kh) {{
            const int ih = oh * SH - PT + kh;
            if (ih < 0 || ih >= IH) continue;
            for (int kw = 0; kw < KW; ++kw) {{
              const int iw = ow * SW - PL + kw;
              if (iw < 0 || iw >= IW) continue;
              const int32_t v = x0[((b * IH + ih) * IW + iw) * C + c];
              {}
              ++count;
            }}
          }}
)",
                   is_max ? -128 : 0, is_max ? "if (v > acc) acc = v;" : "acc += v;");
  if (!is_max) {
    // count_include_pad: the padded pixels count, each worth the zero point (real 0).
    if (a.count_include_pad) s += "          acc += (KH * KW - count) * ZP;\n          count = KH * KW;\n";
    s += "          acc = hwnas_rounded_div(acc, count > 1 ? count : 1);\n";
  }
  s += fmt::format("          y[((b * OH + oh) * OW + ow) * C + c] = hwnas_clamp(acc, {}, {});\n        }}\n}}\n\n",
                   q.act_min, q.act_max);
}

// TFLite's MEAN: sum of (x - zp_in), rescaled by s_in / s_out, divided by H*W rounded half away.
void global_avg_pool(Op& op) {
  const ir::Shape& xs = op.in_shape();
  const quant::QuantNode& q = op.q();
  if (q.out_multipliers.size() != 1) fail(op.m.graph.describe(op.id), "needs one output multiplier");
  std::string& s = op.code;
  s += op.signature();
  s += fmt::format("  enum {{ N = {}, HW = {}, C = {}, ZP = {} }};\n", xs.n(), xs.h() * xs.w(), xs.c(),
                   op.in_zero_point());
  s += fmt::format(R"(  for (int b = 0; b < N; ++b)
    for (int k = 0; k < C; ++k) {{
      int32_t acc = 0;
      for (int i = 0; i < HW; ++i) acc += (int32_t)x0[(b * HW + i) * C + k] - ZP;
      acc = hwnas_rounded_div(hwnas_mbqm(acc, {}, {}), HW);
      y[b * C + k] = hwnas_clamp(acc + ({}), {}, {});
    }}
}}

)",
                   q.out_multipliers[0].value, q.out_multipliers[0].shift, q.out.zero_point, q.act_min, q.act_max);
}

}  // namespace

void emit_pool(Op& op) {
  if (op.in_place) fail(op.m.graph.describe(op.id), "the arena plan runs it in place, which pools cannot");
  if (op.node().op == ir::OpKind::GlobalAvgPool) return global_avg_pool(op);
  window_pool(op);
}

}  // namespace hwnas::codegen::detail
