#include "hwnas/plan/memory_timeline.h"

#include <algorithm>

namespace hwnas::plan {

std::vector<TimelineStep> memory_timeline(const MemoryEstimate& m) {
  const Lifetimes& lt = m.lifetimes;
  std::vector<TimelineStep> steps;
  for (int s = 0; s < static_cast<int>(lt.order.size()); ++s) {
    if (m.alias[lt.order[s]]) continue;
    TimelineStep t{.step = s, .node = lt.order[s], .live_bytes = 0, .live_buffers = {}};
    for (int b = 0; b < static_cast<int>(lt.buffers.size()); ++b)
      if (lt.buffers[b].first <= s && s <= lt.buffers[b].last) {
        t.live_buffers.push_back(b);
        t.live_bytes += lt.buffers[b].bytes;
      }
    std::stable_sort(t.live_buffers.begin(), t.live_buffers.end(),
                     [&](int a, int b) { return m.arena.offsets[a] < m.arena.offsets[b]; });
    steps.push_back(std::move(t));
  }
  return steps;
}

std::string buffer_tensor_name(const MemoryEstimate& m, const ir::Graph& g, int buffer, int step) {
  const Lifetimes& lt = m.lifetimes;
  const auto step_of = [&](int node) { return std::find(lt.order.begin(), lt.order.end(), node) - lt.order.begin(); };
  int latest = lt.buffers[buffer].nodes.front();
  for (int node : lt.buffers[buffer].nodes)  // in step order
    if (!m.alias[node] && step_of(node) <= step) latest = node;
  return g.node(latest).name;
}

nlohmann::json to_json(const MemoryEstimate& m, const ir::Graph& g) {
  const auto kib = [](int64_t bytes) { return static_cast<double>(bytes) / 1024.0; };
  nlohmann::json j = {
      {"model", m.model},
      {"device", m.device},
      {"dtype", ir::dtype_name(m.dtype)},
      {"engine", engine_name(m.engine)},
      {"planner", m.planner},
      {"order", order_policy_name(m.order_policy)},
      {"order_method", m.order_method},
      {"source", m.source()},
      {"peak_sram_bytes", m.sram_bytes()},
      {"peak_sram_kib", kib(m.sram_bytes())},
      {"arena_bytes", m.arena_bytes()},
      {"scratch_bytes", m.scratch_bytes},
      {"lower_bound_bytes", m.lower_bound_bytes},
      {"graph_order_lower_bound_bytes", m.graph_order_lower_bound_bytes},
      {"runtime_sram_bytes", m.device_memory.runtime_sram_bytes},
      {"flash_bytes", m.flash_bytes()},
      {"flash_kib", kib(m.flash_bytes())},
      {"weight_bytes", m.weight_bytes},
      {"runtime_flash_bytes", m.device_memory.runtime_flash_bytes},
      {"device_sram_bytes", m.device_memory.sram_bytes},
      {"device_flash_bytes", m.device_memory.flash_bytes},
      {"fits_sram", m.fits_sram()},
      {"fits_flash", m.fits_flash()},
      {"fits", m.fits()},
  };
  nlohmann::json buffers = nlohmann::json::array();
  for (size_t b = 0; b < m.lifetimes.buffers.size(); ++b) {
    const Buffer& buf = m.lifetimes.buffers[b];
    nlohmann::json tensors = nlohmann::json::array();
    for (int node : buf.nodes) tensors.push_back(g.node(node).name);
    buffers.push_back({{"offset", m.arena.offsets[b]},
                       {"bytes", buf.bytes},
                       {"first", buf.first},
                       {"last", buf.last},
                       {"tensors", tensors}});
  }
  j["buffers"] = buffers;
  nlohmann::json timeline = nlohmann::json::array();
  for (const TimelineStep& s : memory_timeline(m)) {
    nlohmann::json live = nlohmann::json::array();
    for (int b : s.live_buffers) live.push_back(buffer_tensor_name(m, g, b, s.step));
    timeline.push_back({{"step", s.step},
                        {"node", g.node(s.node).name},
                        {"op", ir::op_name(g.node(s.node).op)},
                        {"live_bytes", s.live_bytes},
                        {"live", live}});
  }
  j["timeline"] = timeline;
  return j;
}

}  // namespace hwnas::plan
