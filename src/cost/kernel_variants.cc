#include "hwnas/cost/kernel_variants.h"

#include <cmath>
#include <set>
#include <string>

#include <fmt/format.h>

#include "hwnas/ir/op_traits.h"

namespace hwnas::cost {
namespace {

using ir::OpKind;

int scaled_channels(int64_t c, double factor) {
  const double x = static_cast<double>(c) * factor;
  if (x >= 16) return static_cast<int>(std::lround(x / 8) * 8);
  return std::max(1, static_cast<int>(std::lround(x)));
}

bool is_unary(OpKind op) { return ir::traits(op).elementwise == ir::Elementwise::Unary; }

}  // namespace

std::vector<ir::Graph> activation_variants(const ir::Graph& g, const ir::FusionRules& rules) {
  std::set<std::string> shapes;
  std::vector<ir::Graph> out;
  for (const ir::Kernel& k : ir::split_kernels(g, rules)) {
    const ir::Node& n = g.node(k.nodes.front());
    if (k.nodes.size() != 1 || !ir::is_activation(n.op) || !shapes.insert(n.shape.str()).second) continue;
    for (const ir::OpTraits& t : ir::all_traits()) {
      const OpKind kind = t.op;
      if (!t.activation) continue;
      ir::Graph v(fmt::format("variant.{}{}", ir::op_name(kind), n.shape.str()));
      ir::Attrs in;
      in.shape = n.shape;
      const int x = v.add(OpKind::Input, {}, in, "input");
      v.set_outputs({v.add(kind, {x}, {}, std::string(ir::op_name(kind)))});
      out.push_back(std::move(v));
    }
  }
  return out;
}

std::optional<ir::Graph> scaled_kernel(const ir::Graph& g, const ir::Kernel& k, double in_factor, double out_factor) {
  const ir::Node& anchor = g.node(k.nodes.front());
  const bool grouped = anchor.op == OpKind::Conv2D && anchor.attrs.groups != 1;
  if (!ir::is_linear(anchor.op) || grouped || anchor.inputs.size() != 1) return std::nullopt;
  for (size_t i = 1; i < k.nodes.size(); ++i) {  // a chain: each tail node reads the one before
    const ir::Node& n = g.node(k.nodes[i]);
    if (!is_unary(n.op) || n.inputs.size() != 1 || n.inputs[0] != k.nodes[i - 1]) return std::nullopt;
  }
  ir::Shape in = g.node(anchor.inputs[0]).shape;
  const int last = in.rank() - 1;
  in[last] = scaled_channels(in[last], in_factor);
  ir::Graph v(fmt::format("variant.{}{}", k.type, in.str()));
  ir::Attrs input;
  input.shape = in;
  int x = v.add(OpKind::Input, {}, input, "input");
  ir::Attrs a = anchor.attrs;
  if (anchor.op != OpKind::DepthwiseConv2D) a.out_channels = scaled_channels(anchor.attrs.out_channels, out_factor);
  x = v.add(anchor.op, {x}, a, anchor.name);
  for (size_t i = 1; i < k.nodes.size(); ++i) {
    const ir::Node& n = g.node(k.nodes[i]);
    x = v.add(n.op, {x}, n.attrs, n.name);
  }
  v.set_outputs({x});
  return v;
}

std::vector<ir::Graph> width_variants(const ir::Graph& g, const ir::FusionRules& rules, Rng& rng) {
  const double lo = std::log(0.25), hi = std::log(2.0);
  std::vector<ir::Graph> out;
  for (const ir::Kernel& k : ir::split_kernels(g, rules)) {
    const double f_in = std::exp(lo + (hi - lo) * rng.uniform()), f_out = std::exp(lo + (hi - lo) * rng.uniform());
    if (auto v = scaled_kernel(g, k, f_in, f_out)) out.push_back(std::move(*v));
  }
  return out;
}

std::vector<ir::Graph> weight_probes() {
  std::vector<ir::Graph> out;
  for (int layers : {1, 2, 4, 8, 12, 16, 24, 32, 48}) {
    ir::Graph g(fmt::format("weight-probe.{}x1MiB", layers));
    ir::Attrs in;
    in.shape = ir::Shape{1, 7, 7, 512};
    int x = g.add(OpKind::Input, {}, in, "input");
    ir::Attrs conv;
    conv.out_channels = 512;
    for (int l = 0; l < layers; ++l)
      x = g.add(OpKind::Relu, {g.add(OpKind::Conv2D, {x}, conv, fmt::format("conv{}", l))}, {},
                fmt::format("relu{}", l));
    g.set_outputs({x});
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace hwnas::cost
