#include "hwnas/codegen/arena.h"

#include <algorithm>

#include "hwnas/core/error.h"
#include "hwnas/ir/op_traits.h"
#include "hwnas/ir/shape_inference.h"
#include "hwnas/plan/execution_order.h"
#include "hwnas/plan/memory_planner.h"
#include "emit.h"

namespace hwnas::codegen {

namespace detail {

bool is_pointwise(const ir::Node& n, const ir::Shape& in) {
  const ir::Attrs& a = n.attrs;
  const ir::Pads pad = ir::resolve_pads(a, in.h(), in.w());
  return n.op == ir::OpKind::Conv2D && a.kernel_h == 1 && a.kernel_w == 1 && a.stride_h == 1 && a.stride_w == 1 &&
         a.groups == 1 && pad.top == 0 && pad.left == 0 && n.shape.h() == in.h() && n.shape.w() == in.w();
}

Padded padded_extent(const ir::Node& n, const ir::Shape& in) {
  (void)in;
  const ir::Attrs& a = n.attrs;
  // Rows read: oh * SH + kh * DH for every output row and tap, from -PT.
  return {(n.shape.h() - 1) * a.stride_h + int64_t{a.kernel_h - 1} * a.dilation_h + 1,
          (n.shape.w() - 1) * a.stride_w + int64_t{a.kernel_w - 1} * a.dilation_w + 1};
}

int64_t kernel_scratch_bytes(const ir::Graph& g, int id) {
  const ir::Node& n = g.node(id);
  if (n.inputs.empty()) return 0;
  const ir::Shape& in = g.node(n.inputs[0]).shape;
  switch (n.op) {
    case ir::OpKind::Conv2D:  // two pixels' int16 receptive fields (pointwise: the two pixels)
      return 4 * (in.c() / n.attrs.groups) * n.attrs.kernel_h * n.attrs.kernel_w;
    case ir::OpKind::FullyConnected:  // int16 row
      return 2 * (in.numel() / in[0]);
    case ir::OpKind::DepthwiseConv2D:
    case ir::OpKind::BatchNorm: {  // one padded channel as int16
      const Padded p = padded_extent(n, in);
      return 2 * p.h * p.w;
    }
    default:
      return 0;
  }
}

}  // namespace detail

namespace {

struct InPlace {
  bool elementwise, depthwise, pointwise;
};

// A depthwise conv whose output has its input's shape: one channel at a time in place.
bool same_shape_depthwise(const ir::Graph& g, const ir::Node& n) {
  return n.op == ir::OpKind::DepthwiseConv2D && n.attrs.multiplier == 1 && g.node(n.inputs[0]).shape == n.shape;
}

// A 1x1 stride-1 ungrouped conv with as many output as input channels: one pixel at a time.
bool same_shape_pointwise(const ir::Graph& g, const ir::Node& n) {
  return n.op == ir::OpKind::Conv2D && detail::is_pointwise(n, g.node(n.inputs[0]).shape) &&
         g.node(n.inputs[0]).shape == n.shape;
}

// plan::tensor_graph with quant's aliases (a fused activation shares its layer's output) and
// the pointwise rule added; the same fields, so plan's lifetimes and planners take it.
plan::TensorGraph tensor_graph(const quant::QuantizedModel& m, InPlace rules) {
  const ir::Graph& g = m.graph;
  const int n = g.size();
  plan::TensorGraph tg;
  tg.nodes.resize(n);
  tg.readers.resize(n);
  tg.is_output.assign(n, 0);
  tg.alias_of.resize(n);
  for (int id = 0; id < n; ++id) {
    const ir::Node& node = g.node(id);
    plan::TensorNode& t = tg.nodes[id];
    t.bytes = node.shape.numel();
    if (ir::traits(node.op).alias || m.nodes[id].alias_of >= 0) {
      const int src = m.nodes[id].alias_of >= 0 ? m.nodes[id].alias_of : node.inputs[0];
      t.alias = true;
      t.root = tg.nodes[src].root;
      t.bytes = tg.nodes[t.root].bytes;
      tg.alias_of[node.inputs[0]].push_back(id);
      continue;
    }
    t.root = id;
    const ir::InPlace kind = ir::traits(node.op).in_place;
    t.in_place = (kind == ir::InPlace::Elementwise && rules.elementwise) ||
                 (rules.depthwise && same_shape_depthwise(g, node)) || (rules.pointwise && same_shape_pointwise(g, node));
    for (int in : node.inputs) {
      const int r = tg.nodes[in].root;
      if (std::find(t.reads.begin(), t.reads.end(), r) == t.reads.end()) {
        t.reads.push_back(r);
        tg.readers[r].push_back(id);
      }
    }
  }
  for (int out : g.outputs()) tg.is_output[tg.nodes[out].root] = 1;
  return tg;
}

int64_t round_up(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

}  // namespace

ArenaLayout plan_arena(const quant::QuantizedModel& m, const ArenaOptions& o) {
  const ir::Graph& g = m.graph;
  if (o.alignment <= 0) fail("arena plan", "alignment must be > 0, got {}", o.alignment);
  const plan::TensorGraph tg = tensor_graph(m, {true, o.in_place_depthwise, o.in_place_pointwise});
  ArenaLayout a;
  a.order = o.best_order ? plan::best_order(tg).order : plan::graph_order(g);
  a.lifetimes = plan::tensor_lifetimes(g, tg, a.order);
  const auto buffers = plan::aligned(a.lifetimes.buffers, o.alignment);
  const plan::ArenaPlan p = plan::make_memory_planner(o.planner)->plan(buffers);
  a.arena_bytes = p.arena_bytes;
  a.peak_live_bytes = plan::peak_live_bytes(a.lifetimes);
  a.offset_of.assign(g.size(), 0);
  a.in_place.assign(g.size(), 0);
  a.alias.assign(g.size(), 0);
  for (int id = 0; id < g.size(); ++id) {
    const ir::Node& n = g.node(id);
    const int b = a.lifetimes.buffer_of[id];
    a.offset_of[id] = p.offsets[b];
    a.alias[id] = tg.nodes[id].alias;
    if (tg.nodes[id].alias || n.inputs.empty()) continue;
    a.scratch_bytes = std::max(a.scratch_bytes, detail::kernel_scratch_bytes(g, id));
    // In place when it shares a buffer with an input (the planner only reuses a dying one).
    for (int in : n.inputs)
      if (a.lifetimes.buffer_of[in] == b) a.in_place[id] = 1;
  }
  a.scratch_bytes = round_up(a.scratch_bytes, o.alignment);
  return a;
}

int64_t tflm_arena_bytes(const quant::QuantizedModel& m) {
  const plan::TensorGraph tg = tensor_graph(m, {false, false, false});
  const auto order = plan::graph_order(m.graph);
  const auto lt = plan::tensor_lifetimes(m.graph, tg, order);
  return plan::make_memory_planner("greedy")->plan(plan::aligned(lt.buffers, 16)).arena_bytes;
}

}  // namespace hwnas::codegen
