// conv2d, depthwise_conv2d (and an unfolded batch_norm, a 1x1 depthwise), fully_connected:
// quant's ConvPerChannel / DepthwiseConvPerChannel / FullyConnected (int8_kernels.cc) with
// every dimension a literal. The accumulator starts at the bias instead of adding it last:
// int32 addition without overflow (hwnas_dot's bound) is exact in any order.
#include <fmt/format.h>

#include "emit.h"
#include "hwnas/core/error.h"
#include "hwnas/ir/shape_inference.h"

namespace hwnas::codegen::detail {
namespace {

// hwnas_dot's int32 accumulator holds at most 66311 products of |127 * 255| (prelude.cc).
constexpr int64_t kMaxDotTerms = 66311;

std::vector<quant::Multiplier> per_channel(const Op& op, int64_t channels) {
  const auto& ms = op.q().out_multipliers;
  if (ms.empty()) fail(op.m.graph.describe(op.id), "has no output multipliers: quantize the model first");
  if (ms.size() == 1) return std::vector<quant::Multiplier>(channels, ms[0]);
  if (static_cast<int64_t>(ms.size()) != channels)
    fail(op.m.graph.describe(op.id), "has {} output multipliers for {} channels", ms.size(), channels);
  return ms;
}

void check_terms(const Op& op, int64_t terms) {
  if (terms >= kMaxDotTerms)
    fail(op.m.graph.describe(op.id),
         "sums {} int8 products per output, over the {} that an int32 accumulator holds without overflow", terms,
         kMaxDotTerms);
}

// The requantization of `acc` for channel `c` and its store to `dst`.
std::string store(const Op& op, const std::string& mult, const std::string& shift, std::string_view c,
                  std::string_view dst) {
  const quant::QuantNode& q = op.q();
  return fmt::format("{} = hwnas_clamp(hwnas_mbqm(acc, {}[{}], {}[{}]) + ({}), {}, {});\n", dst, mult, c, shift, c,
                     q.out.zero_point, q.act_min, q.act_max);
}

std::string dims(const Op& op) {
  const ir::Shape& xs = op.in_shape();
  const ir::Shape& ys = op.node().shape;
  const ir::Attrs& a = op.node().attrs;
  const ir::Pads pad = ir::resolve_pads(a, xs.h(), xs.w());
  return fmt::format(
      "  enum {{ N = {}, IH = {}, IW = {}, IC = {}, OH = {}, OW = {}, OC = {}, KH = {}, KW = {}, SH = {}, SW = {}, "
      "DH = {}, DW = {}, PT = {}, PL = {}, ZP = {} }};\n",
      ys.n(), xs.h(), xs.w(), xs.c(), ys.h(), ys.w(), ys.c(), a.kernel_h, a.kernel_w, a.stride_h, a.stride_w,
      a.dilation_h, a.dilation_w, pad.top, pad.left, op.in_zero_point());
}

void pointwise(Op& op, const std::string& w, const std::string& bias, const std::string& mult,
               const std::string& shift) {
  const ir::Shape& xs = op.in_shape();
  check_terms(op, xs.c());
  std::string& s = op.code;
  s += op.signature() + dims(op);
  s += "  for (int p = 0; p < N * OH * OW; ++p) {\n    const int8_t* xp = x0 + p * IC;\n";
  if (op.in_place)  // the pixel's outputs overwrite its inputs: read them from a copy
    s += fmt::format("    for (int k = 0; k < IC; ++k) {}[k] = xp[k];\n    xp = {};\n", op.scratch, op.scratch);
  s += "    int8_t* yp = y + p * OC;\n    for (int co = 0; co < OC; ++co) {\n";
  s += fmt::format("      const int32_t acc = hwnas_dot(xp, {} + co * IC, IC, ZP, {}[co]);\n      ", w, bias);
  s += store(op, mult, shift, "co", "yp[co]");
  s += "    }\n  }\n}\n\n";
}

void conv2d(Op& op, const std::string& w, const std::string& bias, const std::string& mult, const std::string& shift) {
  const ir::Node& n = op.node();
  const int64_t cin_g = op.in_shape().c() / n.attrs.groups, cout_g = n.shape.c() / n.attrs.groups;
  check_terms(op, cin_g * n.attrs.kernel_h * n.attrs.kernel_w);
  std::string& s = op.code;
  s += op.signature() + dims(op) + fmt::format("  enum {{ CIG = {}, COG = {} }};\n", cin_g, cout_g);
  s += R"(  for (int b = 0; b < N; ++b)
    for (int oh = 0; oh < OH; ++oh)
      for (int ow = 0; ow < OW; ++ow) {
        int8_t* yp = y + ((b * OH + oh) * OW + ow) * OC;
        for (int co = 0; co < OC; ++co) {
          const int ci0 = (co / COG) * CIG;
)";
  s += fmt::format("          int32_t acc = {}[co];\n", bias);
  s += R"(          for (int kh = 0; kh < KH; ++kh) {
            const int ih = oh * SH - PT + kh * DH;
            if (ih < 0 || ih >= IH) continue; /* padding is the zero point: adds 0 */
            for (int kw = 0; kw < KW; ++kw) {
              const int iw = ow * SW - PL + kw * DW;
              if (iw < 0 || iw >= IW) continue;
)";
  s += fmt::format(
      "              acc = hwnas_dot(x0 + ((b * IH + ih) * IW + iw) * IC + ci0, {} + ((co * KH + kh) * KW + kw) * CIG, "
      "CIG, ZP, acc);\n            }}\n          }}\n          ",
      w);
  s += store(op, mult, shift, "co", "yp[co]");
  s += "        }\n      }\n}\n\n";
}

// Weights [KH, KW, OC]; output channel co reads input channel co / M.
void depthwise(Op& op, const std::string& w, const std::string& bias, const std::string& mult,
               const std::string& shift) {
  const ir::Node& n = op.node();
  const bool one_by_one = n.attrs.kernel_h == 1 && n.attrs.kernel_w == 1;
  std::string& s = op.code;
  s += op.signature() + dims(op) + "  enum { M = OC / IC };\n";
  if (!op.in_place || one_by_one) {
    // Not in place, or 1x1 (each output reads only its own input byte, read before written).
    s += R"(  for (int b = 0; b < N; ++b)
    for (int oh = 0; oh < OH; ++oh)
      for (int ow = 0; ow < OW; ++ow)
        for (int co = 0; co < OC; ++co) {
)";
    s += fmt::format("          int32_t acc = {}[co];\n", bias);
    s += R"(          for (int kh = 0; kh < KH; ++kh) {
            const int ih = oh * SH - PT + kh * DH;
            if (ih < 0 || ih >= IH) continue;
            for (int kw = 0; kw < KW; ++kw) {
              const int iw = ow * SW - PL + kw * DW;
              if (iw < 0 || iw >= IW) continue;
)";
    s += fmt::format(
        "              acc += (int32_t){}[(kh * KW + kw) * OC + co] * ((int32_t)x0[((b * IH + ih) * IW + iw) * IC + co / M] "
        "- ZP);\n            }}\n          }}\n          ",
        w);
    s += store(op, mult, shift, "co", "y[((b * OH + oh) * OW + ow) * OC + co]");
    s += "        }\n}\n\n";
    return;
  }
  // In place (TinyEngine): one channel at a time, its input copied to the scratch buffer first;
  // the channel's outputs then overwrite exactly the bytes that were copied.
  s += fmt::format(R"(  int8_t* const t = {};
  for (int b = 0; b < N; ++b)
    for (int c = 0; c < OC; ++c) {{
      for (int i = 0; i < IH * IW; ++i) t[i] = x0[(b * IH * IW + i) * IC + c];
      for (int oh = 0; oh < OH; ++oh)
        for (int ow = 0; ow < OW; ++ow) {{
          int32_t acc = {}[c];
)",
                   op.scratch, bias);
  s += R"(          for (int kh = 0; kh < KH; ++kh) {
            const int ih = oh * SH - PT + kh * DH;
            if (ih < 0 || ih >= IH) continue;
            for (int kw = 0; kw < KW; ++kw) {
              const int iw = ow * SW - PL + kw * DW;
              if (iw < 0 || iw >= IW) continue;
)";
  s += fmt::format(
      "              acc += (int32_t){}[(kh * KW + kw) * OC + c] * ((int32_t)t[ih * IW + iw] - ZP);\n"
      "            }}\n          }}\n          ",
      w);
  s += store(op, mult, shift, "c", "y[((b * OH + oh) * OW + ow) * OC + c]");
  s += "        }\n    }\n}\n\n";
}

}  // namespace

void emit_conv(Op& op) {
  const ir::Node& n = op.node();
  const quant::QuantNode& q = op.q();
  const int64_t oc = n.shape.c();
  if (static_cast<int64_t>(q.bias.size()) != oc)
    fail(op.m.graph.describe(op.id), "has {} int32 biases for {} output channels", q.bias.size(), oc);
  const std::string w = op.array("w", "int8_t", q.weights);
  const std::string bias = op.array("bias", "int32_t", q.bias);
  const auto [mult, shift] = op.multipliers(per_channel(op, oc));
  const ir::Attrs& a = n.attrs;
  if (n.op == ir::OpKind::DepthwiseConv2D || n.op == ir::OpKind::BatchNorm) return depthwise(op, w, bias, mult, shift);
  const ir::Pads pad = ir::resolve_pads(a, op.in_shape().h(), op.in_shape().w());
  if (a.kernel_h == 1 && a.kernel_w == 1 && a.stride_h == 1 && a.stride_w == 1 && a.groups == 1 && pad.top == 0 &&
      pad.left == 0 && n.shape.h() == op.in_shape().h() && n.shape.w() == op.in_shape().w())
    return pointwise(op, w, bias, mult, shift);
  if (op.in_place) fail(op.m.graph.describe(op.id), "the arena plan runs it in place, which only 1x1 convs can");
  conv2d(op, w, bias, mult, shift);
}

void emit_fully_connected(Op& op) {
  const ir::Node& n = op.node();
  const quant::QuantNode& q = op.q();
  const ir::Shape& xs = op.in_shape();
  const int64_t batch = xs[0], in = xs.numel() / batch, units = n.shape[1];
  check_terms(op, in);
  const std::string w = op.array("w", "int8_t", q.weights);
  const std::string bias = op.array("bias", "int32_t", q.bias);
  const auto [mult, shift] = op.multipliers(per_channel(op, units));
  std::string& s = op.code;
  s += op.signature() +
       fmt::format("  enum {{ B = {}, IN = {}, UNITS = {}, ZP = {} }};\n", batch, in, units, op.in_zero_point());
  s += fmt::format(R"(  for (int b = 0; b < B; ++b)
    for (int u = 0; u < UNITS; ++u) {{
      const int32_t acc = hwnas_dot(x0 + b * IN, {} + u * IN, IN, ZP, {}[u]);
      )",
                   w, bias);
  s += store(op, mult, shift, "u", "y[b * UNITS + u]");
  s += "    }\n}\n\n";
}

}  // namespace hwnas::codegen::detail
