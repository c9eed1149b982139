#include "hwnas/codegen/arena.h"

#include <algorithm>

#include "hwnas/core/error.h"
#include "hwnas/ir/op_traits.h"
#include "hwnas/plan/codegen_kernels.h"
#include "hwnas/plan/execution_order.h"
#include "hwnas/plan/memory_planner.h"

namespace hwnas::codegen {

namespace {

// Whether quant fused the model's activations: then plan's rule (ir::fusable_activation, the
// one quant applies) gives the same aliases; a model quantized without fusion has none.
bool fuses_activations(const quant::QuantizedModel& m) {
  return std::any_of(m.nodes.begin(), m.nodes.end(), [](const quant::QuantNode& q) { return q.fused_node >= 0; });
}

// plan's tensor graph under `rules`, checked against the model: the emitters read every alias
// through quant's storage(), so the two must agree (by construction they do; a model folder
// edited by hand might not).
plan::TensorGraph tensor_graph(const quant::QuantizedModel& m, plan::InPlaceRules rules) {
  const ir::Graph& g = m.graph;
  rules.fuse_activations = fuses_activations(m);
  plan::TensorGraph tg = plan::tensor_graph(g, ir::DType::i8, rules);
  for (int id = 0; id < g.size(); ++id) {
    if (ir::traits(g.node(id).op).alias) continue;  // reshape, flatten: plan's own views
    const bool quant_alias = m.nodes[id].alias_of >= 0;
    if (quant_alias != tg.nodes[id].alias || tg.nodes[id].root != tg.nodes[m.storage(id)].root)
      fail(g.describe(id), "the quantized model stores its output in {}'s buffer, plan's rules in {}'s",
           g.describe(m.storage(id)), g.describe(tg.nodes[id].root));
  }
  return tg;
}

}  // namespace

ArenaLayout plan_arena(const quant::QuantizedModel& m, const ArenaOptions& o) {
  const ir::Graph& g = m.graph;
  if (o.alignment <= 0) fail("arena plan", "alignment must be > 0, got {}", o.alignment);
  const plan::TensorGraph tg =
      tensor_graph(m, {.elementwise = true, .depthwise = o.in_place_depthwise, .pointwise = o.in_place_pointwise});
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
    // In place when it shares a buffer with an input (the planner only reuses a dying one).
    for (int in : n.inputs)
      if (a.lifetimes.buffer_of[in] == b) a.in_place[id] = 1;
  }
  a.scratch_bytes = plan::generated_scratch_bytes(g, tg, o.alignment);
  return a;
}

int64_t tflm_arena_bytes(const quant::QuantizedModel& m) {
  // No in-place reuse at all (the model's own aliases stay: TFLite's converter fuses the same).
  const plan::TensorGraph tg = tensor_graph(m, {.elementwise = false});
  const auto order = plan::graph_order(m.graph);
  const auto lt = plan::tensor_lifetimes(m.graph, tg, order);
  return plan::make_memory_planner("greedy")->plan(plan::aligned(lt.buffers, 16)).arena_bytes;
}

}  // namespace hwnas::codegen
