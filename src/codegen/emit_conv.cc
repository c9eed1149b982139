// conv2d, depthwise_conv2d (and an unfolded batch_norm, a 1x1 depthwise), fully_connected:
// quant's ConvPerChannel / DepthwiseConvPerChannel / FullyConnected (int8_kernels.cc) with
// every dimension a literal, arranged as CMSIS-NN and TinyEngine arrange them:
//  - conv2d and fully_connected widen each output pixel's inputs (its receptive field, or the
//    FC row) once to int16 x - zp in the scratch buffer (0 for padding, which adds nothing, as
//    in the reference), then compute every output channel from it, two at a time
//    (hwnas_channels). The pointwise conv's widening copies the pixel before its outputs
//    overwrite it, which is what makes it safe in place.
//  - depthwise_conv2d works one channel at a time: the channel's input is copied into the
//    scratch buffer (as int16) with its padding filled with the input zero point, so the taps need no
//    bounds checks, and zp is folded into the bias at generation time:
//    bias - zp * sum(w) + sum(w * x) = bias + sum over in-image taps of w * (x - zp), since a
//    padded tap contributes w * (zp - zp) = 0 either way. Copying the channel first is also
//    what makes it safe in place (TinyEngine).
// All of this is integer arithmetic without overflow (hwnas_dot2's bound), so the order of the
// additions does not change a bit of the result.
#include <algorithm>

#include <fmt/format.h>

#include "emit.h"
#include "hwnas/core/error.h"
#include "hwnas/ir/shape_inference.h"
#include "hwnas/plan/codegen_kernels.h"

namespace hwnas::codegen::detail {
namespace {

// hwnas_dot2's int32 accumulator holds fewer than 66311 products of |127 * 255| (prelude.cc),
// with the bias (|bias| < 2^31 - 66311 * 32385 is not guaranteed, so leave room for it: 2^16).
constexpr int64_t kMaxDotTerms = 65536;

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
         "sums {} int8 products per output, more than the {} an int32 accumulator holds without overflow; split the "
         "layer",
         terms, kMaxDotTerms);
}

// Weights [rows][k] for hwnas_dot2: as they are for portable C, each row's groups of four
// permuted w0 w2 w1 w3 for the DSP loop (prelude.cc); the source holds both under #ifdef.
std::string dot_weights(Op& op, const std::vector<int8_t>& w, int64_t k) {
  std::vector<int8_t> dsp = w;
  for (size_t row = 0; row + k <= w.size(); row += static_cast<size_t>(k))
    for (int64_t j = 0; j + 4 <= k; j += 4) {
      dsp[row + j + 1] = w[row + j + 2];
      dsp[row + j + 2] = w[row + j + 1];
    }
  op.consts += "#ifdef HWNAS_DSP\n";
  const std::string name = op.array("w", "int8_t", dsp);
  op.consts += "#else\n";
  op.array("w", "int8_t", w);
  op.consts += "#endif\n";
  op.const_bytes -= static_cast<int64_t>(w.size());  // one of the two is compiled
  return name;
}

struct Arrays {
  std::string w, bias, mult, shift;
  bool right_only = false;  // every shift <= 0: hwnas_mbqm_right (prelude.cc)
};

bool right_only(std::span<const quant::Multiplier> ms) {
  return std::all_of(ms.begin(), ms.end(), [](const quant::Multiplier& m) { return m.shift <= 0 && m.value >= 0; });
}

std::string channels_call(const Op& op, const Arrays& a, std::string_view x, std::string_view k, std::string_view oc,
                          std::string_view channel0, std::string_view y) {
  const quant::QuantNode& q = op.q();
  return fmt::format(
      "hwnas_channels({}, {} + ({}) * ({}), {} + ({}), {} + ({}), {} + ({}), {}, {}, {}, {}, {}, {}, {});\n", x,
      a.w, channel0, k, a.bias, channel0, a.mult, channel0, a.shift, channel0, a.right_only ? 1 : 0, k, oc,
      q.out.zero_point, q.act_min, q.act_max, y);
}

// Two pixels: inputs xa, xb to outputs ya, yb.
std::string channels2_call(const Op& op, const Arrays& a, std::string_view xa, std::string_view xb,
                           std::string_view k, std::string_view oc, std::string_view channel0, std::string_view ya,
                           std::string_view yb) {
  const quant::QuantNode& q = op.q();
  return fmt::format(
      "hwnas_channels2({}, {}, {} + ({}) * ({}), {} + ({}), {} + ({}), {} + ({}), {}, {}, {}, {}, {}, {}, {}, {});\n",
      xa, xb, a.w, channel0, k, a.bias, channel0, a.mult, channel0, a.shift, channel0, a.right_only ? 1 : 0, k, oc,
      q.out.zero_point, q.act_min, q.act_max, ya, yb);
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

// Two pixels at a time (their 2 x IC inputs are contiguous), then the odd last one.
void pointwise(Op& op, const Arrays& a) {
  std::string& s = op.code;
  s += op.signature() + dims(op) + "  enum { PIXELS = N * OH * OW };\n";
  s += fmt::format("  int16_t* const ta = (int16_t*){};\n  int16_t* const tb = ta + IC;\n  int p = 0;\n", op.scratch);
  s += "  for (; p + 2 <= PIXELS; p += 2) {\n    const int8_t* xp = x0 + p * IC;\n";
  s += "    for (int k = 0; k < 2 * IC; ++k) ta[k] = (int16_t)(xp[k] - ZP);\n    ";
  s += channels2_call(op, a, "ta", "tb", "IC", "OC", "0", "y + p * OC", "y + (p + 1) * OC");
  s += "  }\n  if (p < PIXELS) {\n    const int8_t* xp = x0 + p * IC;\n";
  s += "    for (int k = 0; k < IC; ++k) ta[k] = (int16_t)(xp[k] - ZP);\n    ";
  s += channels_call(op, a, "ta", "IC", "OC", "0", "y + p * OC");
  s += "  }\n}\n\n";
}

// Two output pixels at a time: each one's receptive field (of group g) gathered by <fn>_gather.
void conv2d(Op& op, const Arrays& a) {
  const ir::Node& n = op.node();
  const int64_t cin_g = op.in_shape().c() / n.attrs.groups, cout_g = n.shape.c() / n.attrs.groups;
  const std::string enums = dims(op) + fmt::format("  enum {{ G = {}, CIG = {}, COG = {}, K = KH * KW * CIG }};\n",
                                                   n.attrs.groups, cin_g, cout_g);
  std::string& s = op.code;
  s += fmt::format("/* the receptive field of output pixel p, group g: [KH][KW][CIG] as x - zp (padding 0) */\n"
                   "static inline void {}_gather(const int8_t* x0, int p, int g, int16_t* q) {{\n",
                   op.fn);
  s += enums;
  s += R"(  const int ow = p % OW, oh = (p / OW) % OH, b = p / (OW * OH);
  for (int kh = 0; kh < KH; ++kh) {
    const int ih = oh * SH - PT + kh * DH;
    for (int kw = 0; kw < KW; ++kw) {
      const int iw = ow * SW - PL + kw * DW;
      if (ih < 0 || ih >= IH || iw < 0 || iw >= IW) { /* padding is the zero point: adds 0 */
        for (int ci = 0; ci < CIG; ++ci) *q++ = 0;
        continue;
      }
      const int8_t* xp = x0 + ((b * IH + ih) * IW + iw) * IC + g * CIG;
      for (int ci = 0; ci < CIG; ++ci) *q++ = (int16_t)(xp[ci] - ZP);
    }
  }
}

)";
  s += op.signature() + enums + "  enum { PIXELS = N * OH * OW };\n";
  s += fmt::format("  int16_t* const ta = (int16_t*){};\n  int16_t* const tb = ta + K;\n  int p = 0;\n", op.scratch);
  s += "  for (; p + 2 <= PIXELS; p += 2)\n    for (int g = 0; g < G; ++g) {\n";
  s += fmt::format("      {0}_gather(x0, p, g, ta);\n      {0}_gather(x0, p + 1, g, tb);\n      ", op.fn);
  s += channels2_call(op, a, "ta", "tb", "K", "COG", "g * COG", "y + p * OC + g * COG", "y + (p + 1) * OC + g * COG");
  s += "    }\n  if (p < PIXELS)\n    for (int g = 0; g < G; ++g) {\n";
  s += fmt::format("      {}_gather(x0, p, g, ta);\n      ", op.fn);
  s += channels_call(op, a, "ta", "K", "COG", "g * COG", "y + p * OC + g * COG");
  s += "    }\n}\n\n";
}

// Weights transposed at generation time to [OC][KH][KW] (the model's are [KH][KW][OC]) so that
// one channel's taps are contiguous and stay in registers.
void depthwise(Op& op) {
  const ir::Node& n = op.node();
  const quant::QuantNode& q = op.q();
  const ir::Shape& xs = op.in_shape();
  const ir::Attrs& at = n.attrs;
  const int64_t oc = n.shape.c(), taps = int64_t{at.kernel_h} * at.kernel_w;
  const int32_t zp = op.in_zero_point();
  std::vector<int8_t> w(q.weights.size());
  std::vector<int32_t> bias(oc);
  for (int64_t c = 0; c < oc; ++c) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t) {
      w[c * taps + t] = q.weights[t * oc + c];
      sum += q.weights[t * oc + c];
    }
    bias[c] = static_cast<int32_t>(q.bias[c] - int64_t{zp} * sum);
  }
  const std::string wn = op.array("w", "int8_t", w), bn = op.array("bias", "int32_t", bias);
  const auto ms = per_channel(op, oc);
  const auto [mult, shift] = op.multipliers(ms);
  const bool right = right_only(ms);
  const plan::Padded p = plan::padded_extent(n, xs);
  std::string& s = op.code;
  s += op.signature() + dims(op) + fmt::format("  enum {{ M = OC / IC, HP = {}, WP = {} }};\n", p.h, p.w);
  // Taps unrolled with their offsets in the padded channel as literals, and the channel's
  // weights in locals (registers): GCC -O2 does not unroll the tap loops itself. With the DSP
  // extension two horizontally adjacent taps (dilation 1) are one SMLAD: the channel is
  // stored as int16, so the two taps are one word, and their weights are packed into one int32
  // at generation time (<fn>_wp, [OC][pairs]).
  std::string singles, portable_sum, dsp_sum, pairs_decl;
  std::vector<int32_t> packed;  // per channel, the pairs in order
  int pairs = 0;
  for (int kh = 0; kh < at.kernel_h; ++kh)
    for (int kw = 0; kw < at.kernel_w; ++kw) {
      const int64_t tap = int64_t{kh} * at.kernel_w + kw;
      const int64_t off = int64_t{kh} * at.dilation_h * p.w + int64_t{kw} * at.dilation_w;
      if (at.dilation_w == 1 && kw + 1 < at.kernel_w) {  // taps kw, kw + 1: a pair
        dsp_sum += fmt::format("          acc = __smlad(wp{}, hwnas_load_pair(tp + {}), acc);\n", pairs, off);
        pairs_decl += fmt::format("      const int32_t wp{} = wpc[{}];\n", pairs, pairs);
        ++pairs;
        ++kw;
        continue;
      }
      singles += fmt::format("      const int32_t w{} = wc[{}];\n", tap, tap);
      dsp_sum += fmt::format("          acc += w{} * tp[{}];\n", tap, off);
    }
  std::string all_weights;
  for (int kh = 0; kh < at.kernel_h; ++kh)
    for (int kw = 0; kw < at.kernel_w; ++kw) {
      const int64_t tap = int64_t{kh} * at.kernel_w + kw;
      all_weights += fmt::format("      const int32_t w{} = wc[{}];\n", tap, tap);
      portable_sum += fmt::format(" + w{} * tp[{}]", tap,
                                  int64_t{kh} * at.dilation_h * p.w + int64_t{kw} * at.dilation_w);
    }
  for (int64_t c = 0; c < oc; ++c)
    for (int kh = 0; kh < at.kernel_h; ++kh)
      for (int kw = 0; at.dilation_w == 1 && kw + 1 < at.kernel_w; kw += 2) {
        const auto lo = static_cast<uint16_t>(int16_t{w[c * taps + kh * at.kernel_w + kw]});
        const auto hi = static_cast<uint16_t>(int16_t{w[c * taps + kh * at.kernel_w + kw + 1]});
        packed.push_back(static_cast<int32_t>(static_cast<uint32_t>(lo) | (static_cast<uint32_t>(hi) << 16)));
      }
  std::string wp;
  if (pairs > 0) {
    op.consts += "#ifdef HWNAS_DSP\n";
    wp = op.array("wp", "int32_t", packed);
    op.consts += "#endif\n";
  }
  s += fmt::format("  enum {{ IH_END = {}, IW_END = {} }}; /* input rows and columns inside the padded extent */\n",
                   std::min(xs.h(), p.h - ir::resolve_pads(at, xs.h(), xs.w()).top),
                   std::min(xs.w(), p.w - ir::resolve_pads(at, xs.h(), xs.w()).left));
  s += fmt::format("  int16_t* const t = (int16_t*){};\n", op.scratch);
  s += R"(  for (int b = 0; b < N; ++b)
    for (int co = 0; co < OC; ++co) {
      if (co % M == 0) { /* input channel co / M, its padding the zero point */
        for (int i = 0; i < HP * WP; ++i) t[i] = ZP;
        for (int ih = 0; ih < IH_END; ++ih)
          for (int iw = 0; iw < IW_END; ++iw) t[(ih + PT) * WP + iw + PL] = x0[((b * IH + ih) * IW + iw) * IC + co / M];
      }
)";
  s += fmt::format("      const int8_t* const wc = {} + co * KH * KW;\n", wn);
  if (pairs > 0)
    s += fmt::format("#ifdef HWNAS_DSP\n      const int32_t* const wpc = {} + co * {};\n", wp, pairs) + pairs_decl +
         singles + "#else\n" + all_weights + "#endif\n";
  else
    s += all_weights;
  s += fmt::format("      const int32_t bias = {}[co], mult = {}[co], shift = {}[co];\n", bn, mult, shift);
  s += R"(      for (int oh = 0; oh < OH; ++oh)
        for (int ow = 0; ow < OW; ++ow) {
          const int16_t* const tp = t + oh * SH * WP + ow * SW;
)";
  if (pairs > 0)
    s += "#ifdef HWNAS_DSP\n          int32_t acc = bias;\n" + dsp_sum + "#else\n          const int32_t acc = bias" +
         portable_sum + ";\n#endif\n";
  else
    s += "          const int32_t acc = bias" + portable_sum + ";\n";
  // The layer's shifts, known now: requantize with hwnas_mbqm_right when all are <= 0.
  s += fmt::format(
      "          y[((b * OH + oh) * OW + ow) * OC + co] = hwnas_clamp(hwnas_requant(acc, mult, shift, {}) + ({}), {}, {});\n",
      right ? 1 : 0, q.out.zero_point, q.act_min, q.act_max);
  s += "        }\n    }\n}\n\n";
}

}  // namespace

void emit_conv(Op& op) {
  const ir::Node& n = op.node();
  const quant::QuantNode& q = op.q();
  const int64_t oc = n.shape.c();
  if (static_cast<int64_t>(q.bias.size()) != oc)
    fail(op.m.graph.describe(op.id), "has {} int32 biases for {} output channels", q.bias.size(), oc);
  if (n.op == ir::OpKind::DepthwiseConv2D || n.op == ir::OpKind::BatchNorm) return depthwise(op);
  const int64_t k = op.in_shape().c() / n.attrs.groups * n.attrs.kernel_h * n.attrs.kernel_w;
  check_terms(op, k);
  Arrays a;
  a.w = dot_weights(op, q.weights, k);
  a.bias = op.array("bias", "int32_t", q.bias);
  const auto ms = per_channel(op, oc);
  std::tie(a.mult, a.shift) = op.multipliers(ms);
  a.right_only = right_only(ms);
  if (plan::is_pointwise(n, op.in_shape())) return pointwise(op, a);
  if (op.in_place) fail(op.m.graph.describe(op.id), "the arena plan runs it in place, which only 1x1 convs can");
  conv2d(op, a);
}

void emit_fully_connected(Op& op) {
  const ir::Node& n = op.node();
  const quant::QuantNode& q = op.q();
  const ir::Shape& xs = op.in_shape();
  const int64_t batch = xs[0], in = xs.numel() / batch, units = n.shape[1];
  check_terms(op, in);
  Arrays a;
  a.w = dot_weights(op, q.weights, in);
  a.bias = op.array("bias", "int32_t", q.bias);
  const auto ms = per_channel(op, units);
  std::tie(a.mult, a.shift) = op.multipliers(ms);
  a.right_only = right_only(ms);
  std::string& s = op.code;
  s += op.signature() +
       fmt::format("  enum {{ B = {}, IN = {}, UNITS = {}, ZP = {} }};\n", batch, in, units, op.in_zero_point());
  s += fmt::format("  int16_t* const t = (int16_t*){};\n", op.scratch);
  s += "  for (int b = 0; b < B; ++b) {\n    for (int k = 0; k < IN; ++k) t[k] = (int16_t)(x0[b * IN + k] - ZP);\n    ";
  s += channels_call(op, a, "t", "IN", "UNITS", "0", "y + b * UNITS");
  s += "  }\n}\n\n";
}

}  // namespace hwnas::codegen::detail
