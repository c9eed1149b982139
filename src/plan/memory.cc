#include "hwnas/plan/memory.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/stats.h"
#include "hwnas/plan/codegen_kernels.h"

namespace hwnas::plan {
namespace {

struct Planned {
  Lifetimes lifetimes;
  ArenaPlan arena;
  std::string order_method;
  int64_t lower_bound = 0;
  int64_t scratch = 0;  // HwnasCodegen's kernel scratch
};

void check_engine(const MemoryOptions& o) {
  if (o.engine == Engine::HwnasCodegen && o.dtype != ir::DType::i8)
    fail("memory estimate", "hwnas codegen emits int8 only, not {}; use the tflm engine", ir::dtype_name(o.dtype));
}

// Flash for weights: what codegen stores (its constant arrays), or the deployable weights.
int64_t weight_bytes(const ir::Graph& g, const TensorGraph& tg, const MemoryOptions& o) {
  return o.engine == Engine::HwnasCodegen ? generated_constant_bytes(g, tg)
                                          : ir::compute_stats(g).weight_bytes(o.dtype);
}

Lifetimes aligned_lifetimes(const ir::Graph& g, const TensorGraph& tg, std::span<const int> order, int64_t alignment) {
  Lifetimes lt = tensor_lifetimes(g, tg, order);
  lt.buffers = aligned(lt.buffers, alignment);
  return lt;
}

Planned plan(const ir::Graph& g, const TensorGraph& tg, const MemoryOptions& o) {
  const auto planner = make_memory_planner(o.planner);
  Planned p;
  if (o.order == OrderPolicy::Best) {
    OrderResult r = best_order(tg, o.search);
    p.lifetimes = aligned_lifetimes(g, tg, r.order, o.alignment);
    p.order_method = r.method;
  } else {
    p.lifetimes = aligned_lifetimes(g, tg, graph_order(g), o.alignment);
    p.order_method = "graph order";
  }
  p.arena = planner->plan(p.lifetimes.buffers);
  p.lower_bound = peak_live_bytes(p.lifetimes);
  if (o.engine == Engine::HwnasCodegen) p.scratch = generated_scratch_bytes(g, tg, o.alignment);
  return p;
}

}  // namespace

std::string_view order_policy_name(OrderPolicy p) { return p == OrderPolicy::Best ? "best" : "graph"; }

std::string_view engine_name(Engine e) { return e == Engine::HwnasCodegen ? "hwnas-codegen" : "tflm"; }

Engine parse_engine(std::string_view name) {
  for (Engine e : {Engine::Tflm, Engine::HwnasCodegen})
    if (name == engine_name(e)) return e;
  fail("memory engine", "unknown engine '{}'; known: tflm, hwnas-codegen", name);
}

MemoryOptions hwnas_codegen_options() {
  // codegen::ArenaOptions' defaults, field for field (tests/codegen/memory_prediction_test.cc).
  return {.dtype = ir::DType::i8,
          .engine = Engine::HwnasCodegen,
          .planner = "greedy",
          .order = OrderPolicy::Best,
          .alignment = 16,
          .in_place = InPlaceRules::hwnas_codegen()};
}

MemoryOptions default_memory_options(const hw::Device& device, ir::DType dtype) {
  if (device.kind == "mcu" && dtype == ir::DType::i8) return hwnas_codegen_options();
  return {.dtype = dtype};
}

std::string memory_plan_description(const MemoryOptions& o) {
  const InPlaceRules& r = o.in_place;
  std::string in_place;  // the rules beyond TFLM's element-wise ones
  if (r.depthwise || r.pointwise)
    in_place = fmt::format(", in-place {}", r.depthwise && r.pointwise ? "depthwise and pointwise"
                                            : r.depthwise              ? "depthwise"
                                                                       : "pointwise");
  if (!r.elementwise) in_place += ", no in-place element-wise ops";
  if (r.fuse_activations) in_place += ", fused activations";
  if (o.engine == Engine::HwnasCodegen)
    return fmt::format("hwnas codegen arena plan: {}, {} order{}, kernel scratch", o.planner,
                       order_policy_name(o.order), in_place);
  return fmt::format("{} arena planner, {} order{}", o.planner, order_policy_name(o.order), in_place);
}

std::string memory_source(const MemoryOptions& o) { return "predicted (" + memory_plan_description(o) + ")"; }

std::string MemoryEstimate::source() const {
  return memory_source(
      {.dtype = dtype, .engine = engine, .planner = planner, .order = order_policy, .in_place = in_place});
}

MemoryEstimate estimate_memory(const ir::Graph& g, const hw::Device& device, const MemoryOptions& o) {
  check_engine(o);
  const TensorGraph tg = tensor_graph(g, o.dtype, o.in_place);
  Planned p = plan(g, tg, o);
  MemoryEstimate m;
  m.model = g.name();
  m.device = device.name;
  m.planner = o.planner;
  m.dtype = o.dtype;
  m.engine = o.engine;
  m.order_policy = o.order;
  m.in_place = o.in_place;
  m.order_method = std::move(p.order_method);
  m.lifetimes = std::move(p.lifetimes);
  m.arena = std::move(p.arena);
  for (const TensorNode& t : tg.nodes) m.alias.push_back(t.alias);
  m.lower_bound_bytes = p.lower_bound;
  m.graph_order_lower_bound_bytes = o.order == OrderPolicy::Graph
                                        ? p.lower_bound
                                        : peak_live_bytes(aligned_lifetimes(g, tg, graph_order(g), o.alignment));
  m.scratch_bytes = p.scratch;
  m.weight_bytes = weight_bytes(g, tg, o);
  m.device_memory = device.memory;
  return m;
}

MemoryFootprint memory_footprint(const ir::Graph& g, const hw::Memory& device_memory, const MemoryOptions& o) {
  check_engine(o);
  const TensorGraph tg = tensor_graph(g, o.dtype, o.in_place);
  const Planned p = plan(g, tg, o);
  return {.peak_sram_bytes = p.arena.arena_bytes + p.scratch + device_memory.runtime_sram_bytes,
          .flash_bytes = weight_bytes(g, tg, o) + device_memory.runtime_flash_bytes};
}

}  // namespace hwnas::plan
