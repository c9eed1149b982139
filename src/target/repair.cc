#include "hwnas/target/repair.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/hw/op_support.h"
#include "hwnas/ir/op_traits.h"
#include "hwnas/ir/rewrite.h"

namespace hwnas::target {
namespace {

// One change to try: the edits, and what it says about itself.
struct Candidate {
  std::string change;
  std::map<int, ir::NodeEdit> edits;
  std::vector<int> nodes;
  std::string fixes;
};

int count_fallbacks(const hw::Device& d, const ir::Graph& g, ir::DType dtype) {
  const std::vector<hw::Placement> at = hw::place_all(d, g, dtype);
  return static_cast<int>(std::count_if(at.begin(), at.end(), [](const hw::Placement& p) { return !p.native; }));
}

bool spatial(const ir::Shape& s) { return s.rank() == 4 && s[1] * s[2] > 1; }
bool pointwise(const ir::Shape& s) { return s.rank() == 4 && s[1] == 1 && s[2] == 1; }

// A squeeze-excite scale: mul(x, gate) where the gate is [1,1,1,C] and computed from a global
// average pool of x. Its gate nodes (between the pool, included, and the mul) go to `gate`;
// returns the input index of x, or -1 when `mul` is not one.
int squeeze_excite(const ir::Graph& g, int mul, std::set<int>* gate) {
  const ir::Node& m = g.node(mul);
  if (m.op != ir::OpKind::Mul || m.inputs.size() != 2) return -1;
  for (int xi = 0; xi < 2; ++xi) {
    const int x = m.inputs[xi], s = m.inputs[1 - xi];
    if (!spatial(g.node(x).shape) || !pointwise(g.node(s).shape)) continue;
    std::set<int> seen;
    std::vector<int> todo = {s};
    bool pooled_x = false, other_source = false;
    while (!todo.empty()) {
      const int id = todo.back();
      todo.pop_back();
      if (!seen.insert(id).second) continue;
      const ir::Node& n = g.node(id);
      if (n.op == ir::OpKind::GlobalAvgPool && n.inputs[0] == x) {
        pooled_x = true;
        continue;
      }
      if (n.op == ir::OpKind::Input || !pointwise(n.shape)) {
        other_source = true;
        break;
      }
      todo.insert(todo.end(), n.inputs.begin(), n.inputs.end());
    }
    if (pooled_x && !other_source) {
      if (gate) *gate = std::move(seen);
      return xi;
    }
  }
  return -1;
}

// The activation the device runs in place of activation node `id`: relu6 (bounded, as
// hardswish is) or relu, preferring one that its producer's operator entry fuses (then it costs
// nothing), else one the processor runs on its own; nullopt when it runs neither.
std::optional<ir::OpKind> native_activation(const hw::Processor& p, const ir::Graph& g, int id, ir::DType t) {
  constexpr ir::OpKind kChoices[] = {ir::OpKind::Relu6, ir::OpKind::Relu};
  const ir::OpKind op = g.node(id).op;
  int producer = g.node(id).inputs.at(0);
  if (ir::traits(g.node(producer).op).folds_into_producer) producer = g.node(producer).inputs.at(0);
  if (const hw::OpSupport* s = hw::find_support(p, g, producer, t, nullptr))
    for (ir::OpKind r : kChoices)
      if (r != op &&
          std::find(s->fused_activations.begin(), s->fused_activations.end(), r) != s->fused_activations.end())
        return r;
  for (ir::OpKind r : kChoices)
    if (r != op && hw::runs_op(p, r)) return r;
  return std::nullopt;
}

// Attrs of `n` with a k x k kernel, keeping the output shape: "same" stays same, explicit pads
// that were (k-1)/2 x dilation on every side become the new kernel's; anything else: nullopt.
std::optional<ir::Attrs> with_kernel(const ir::Node& n, int k) {
  ir::Attrs a = n.attrs;
  const int old = a.kernel_h;
  if (a.kernel_w != old || old % 2 == 0 || a.dilation_h != a.dilation_w) return std::nullopt;
  if (a.padding == ir::Padding::Explicit) {
    const int pad = (old - 1) / 2 * a.dilation_h;
    if (a.pad_top != pad || a.pad_bottom != pad || a.pad_left != pad || a.pad_right != pad) return std::nullopt;
    a.pad_top = a.pad_bottom = a.pad_left = a.pad_right = (k - 1) / 2 * a.dilation_h;
  } else if (a.padding != ir::Padding::Same) {
    return std::nullopt;
  }
  a.kernel_h = a.kernel_w = k;
  return a;
}

// Whether the processor accepts every node of `ids` once `edits` are made (the limits may read
// input shapes, so the edited graph is built); false when the edit is not shape-correct.
bool accepts_edited(const hw::Processor& p, const ir::Graph& g, const std::map<int, ir::NodeEdit>& edits,
                    const std::vector<int>& ids, ir::DType t) {
  try {
    const ir::Graph trial = ir::rewrite(g, edits);
    return std::all_of(ids.begin(), ids.end(), [&](int id) {
      const auto at = trial.find(g.node(id).name);
      return at && hw::accepts(p, trial, *at, t);
    });
  } catch (const Error&) {
    return false;
  }
}

// The largest odd kernel below node id's that the processor accepts for it, and its attrs.
std::optional<std::pair<int, ir::Attrs>> smaller_kernel(const hw::Processor& p, const ir::Graph& g, int id,
                                                        ir::DType t) {
  for (int k = g.node(id).attrs.kernel_h - 2; k >= 1; k -= 2) {
    const auto a = with_kernel(g.node(id), k);
    if (!a) return std::nullopt;
    if (accepts_edited(p, g, {{id, {.attrs = *a}}}, {id}, t)) return std::pair{k, *a};
  }
  return std::nullopt;
}

// The channel alignment the processor's entries for `op` ask for (the smallest above 1), or 1.
int alignment(const hw::Processor& p, ir::OpKind op) {
  int best = 1;
  if (p.ops)
    for (const hw::OpSupport& s : *p.ops)
      if (s.op == op && s.channel_alignment > 1 && (best == 1 || s.channel_alignment < best))
        best = s.channel_alignment;
  return best;
}

// The channel limit of the processor's entries for `op` (the largest; 0: none or no limit).
int channel_cap(const hw::Processor& p, ir::OpKind op) {
  int cap = 0;
  if (p.ops)
    for (const hw::OpSupport& s : *p.ops) {
      if (s.op != op) continue;
      if (s.max_channels == 0) return 0;
      cap = std::max(cap, s.max_channels);
    }
  return cap;
}

// The conv or FC whose output channels node `id` has (itself, or the producer a depthwise,
// batch_norm or activation takes its channels from); -1 when there is none to change.
int channel_owner(const ir::Graph& g, int id) {
  for (;;) {
    const ir::Node& n = g.node(id);
    if ((n.op == ir::OpKind::Conv2D && n.attrs.groups == 1) || n.op == ir::OpKind::FullyConnected) return id;
    const bool follows =
        n.op == ir::OpKind::DepthwiseConv2D || ir::traits(n.op).folds_into_producer || ir::is_activation(n.op);
    if (!follows || n.inputs.empty()) return -1;
    if (n.op == ir::OpKind::DepthwiseConv2D && n.attrs.multiplier != 1) return -1;
    id = n.inputs[0];
  }
}

// Whether the channels of `id` are read by a reshape (through batch_norms and activations):
// there they are structure, not width (an SSD head's anchors x values), and rounding them up
// would change what the reshape makes.
bool reshaped(const ir::Graph& g, const std::vector<std::vector<int>>& consumers, int id) {
  for (int c : consumers[id]) {
    const ir::OpKind op = g.node(c).op;
    if (op == ir::OpKind::Reshape) return true;
    if ((ir::traits(op).folds_into_producer || ir::is_activation(op)) && reshaped(g, consumers, c)) return true;
  }
  return false;
}

// SSD-style prediction heads: conv -> reshape [1, -1, V] with anchors x V channels, grouped by
// the feature map they read (walking back through the head's depthwise, batch_norm and
// activation). A map's heads must keep one anchor count between them, so their channels
// change together: "anchors per location".
struct Head {
  int conv = -1;
  int64_t values = 0;  // V
};
std::map<int, std::vector<Head>> heads_by_map(const ir::Graph& g) {
  std::map<int, std::vector<Head>> out;
  for (int r = 0; r < g.size(); ++r) {
    const ir::Node& n = g.node(r);
    if (n.op != ir::OpKind::Reshape || n.shape.rank() != 3) continue;
    const int conv = n.inputs[0];
    const ir::Node& c = g.node(conv);
    const int64_t v = n.shape[2];
    if (c.op != ir::OpKind::Conv2D || c.attrs.groups != 1 || v <= 0 || c.attrs.out_channels % v != 0) continue;
    int map = c.inputs[0];
    while (g.node(map).op == ir::OpKind::DepthwiseConv2D || ir::traits(g.node(map).op).folds_into_producer ||
           ir::is_activation(g.node(map).op))
      map = g.node(map).inputs[0];
    out[map].push_back({conv, v});
  }
  return out;
}

// The anchor count above `anchors` (up to 4x) at which the processor accepts every head's conv,
// with the edits; nullopt when there is none.
std::optional<std::pair<int64_t, std::map<int, ir::NodeEdit>>> aligned_anchors(const hw::Processor& p,
                                                                               const ir::Graph& g,
                                                                               const std::vector<Head>& heads,
                                                                               int64_t anchors, ir::DType t) {
  std::vector<int> convs;
  for (const Head& h : heads) convs.push_back(h.conv);
  for (int64_t a = anchors + 1; a <= 4 * anchors; ++a) {
    std::map<int, ir::NodeEdit> edits;
    for (const Head& h : heads) {
      ir::Attrs attrs = g.node(h.conv).attrs;
      attrs.out_channels = static_cast<int>(a * h.values);
      edits[h.conv].attrs = attrs;
    }
    if (accepts_edited(p, g, edits, convs, t)) return std::pair{a, std::move(edits)};
  }
  return std::nullopt;
}

std::vector<Candidate> candidates(const hw::Device& d, const ir::Graph& g, ir::DType dtype,
                                  const std::vector<int>& causes) {
  const hw::Processor& primary = d.processors[d.primary];
  const std::vector<hw::Placement> at = hw::place_all(d, g, dtype);
  const std::vector<std::vector<int>> consumers = g.consumers();
  const auto reason = [&](int id) { return fmt::format("{}: {}", hw::op_key(g.node(id)), at[id].reason); };

  // Squeeze-excite gates that hold a cause (or whose mul is one), in one step.
  std::map<int, std::pair<int, std::set<int>>> gates;  // mul -> (the input it passes on, its gate nodes)
  for (int i = 0; i < g.size(); ++i) {
    std::set<int> gate;
    if (const int x = squeeze_excite(g, i, &gate); x >= 0) gates[i] = {x, std::move(gate)};
  }
  Candidate se{.change = "squeeze-excite off"};
  std::set<int> in_gate;
  for (const auto& [mul, found] : gates) {
    const auto& [x, gate] = found;
    const bool falls = std::any_of(causes.begin(), causes.end(), [&](int c) { return c == mul || gate.count(c); });
    if (!falls) continue;
    se.edits[mul].bypass = x;
    se.nodes.push_back(mul);
    in_gate.insert(gate.begin(), gate.end());
    in_gate.insert(mul);
  }

  std::map<std::string, Candidate> grouped;   // by change, so one step covers every node alike
  std::map<std::string, Candidate> channels;  // "channels -> multiples of 8", "channels capped at 1024"
  for (int c : causes) {
    if (in_gate.count(c)) {
      if (se.fixes.empty()) se.fixes = reason(c);
      continue;
    }
    const ir::Node& n = g.node(c);
    if (ir::is_activation(n.op)) {
      if (const auto r = native_activation(primary, g, c, dtype)) {
        Candidate& k = grouped[fmt::format("{} -> {}", ir::op_name(n.op), ir::op_name(*r))];
        k.edits[c].op = *r;
        k.nodes.push_back(c);
        if (k.fixes.empty()) k.fixes = reason(c);
      }
      continue;
    }
    if (ir::attr_fields(n.op) & ir::kKernel) {
      if (const auto small = smaller_kernel(primary, g, c, dtype)) {
        Candidate& k = grouped[fmt::format("{} -> k{}", hw::op_key(n), small->first)];
        k.edits[c].attrs = small->second;
        k.nodes.push_back(c);
        if (k.fixes.empty()) k.fixes = reason(c);
        continue;
      }
    }
    // Channels the engine takes: rounded up to its alignment, capped at its limit.
    const int owner = channel_owner(g, c);
    if (owner < 0 || reshaped(g, consumers, owner)) continue;
    const int64_t ch = n.shape[n.shape.rank() - 1];
    const int align = alignment(primary, n.op), cap = channel_cap(primary, n.op);
    int64_t want = (ch + align - 1) / align * align;
    if (cap > 0 && want > cap) want = cap / align * align;
    if (want == ch || want <= 0) continue;
    Candidate& k = channels[want < ch ? fmt::format("channels capped at {}", want)
                                      : fmt::format("channels -> multiples of {}", align)];
    if (k.edits.count(owner)) continue;
    ir::Attrs a = g.node(owner).attrs;
    a.out_channels = static_cast<int>(want);
    k.edits[owner].attrs = a;
    k.nodes.push_back(owner);
    if (k.fixes.empty()) k.fixes = reason(c);
  }

  // Heads whose convs fall back over their channel count: a new anchor count for the map.
  std::vector<Candidate> anchors;
  for (const auto& [map, heads] : heads_by_map(g)) {
    const auto cause = std::find_if(heads.begin(), heads.end(), [&](const Head& h) {
      return std::find(causes.begin(), causes.end(), h.conv) != causes.end();
    });
    if (cause == heads.end()) continue;
    const int64_t a = g.node(heads[0].conv).attrs.out_channels / heads[0].values;
    const bool one_count = std::all_of(heads.begin(), heads.end(), [&](const Head& h) {
      return g.node(h.conv).attrs.out_channels == a * h.values;
    });
    if (!one_count) continue;
    if (auto next = aligned_anchors(primary, g, heads, a, dtype)) {
      Candidate k{.change = fmt::format("anchors per location {} -> {} on '{}'", a, next->first, g.node(map).name),
                  .edits = std::move(next->second),
                  .fixes = reason(cause->conv)};
      for (const Head& h : heads) k.nodes.push_back(h.conv);
      anchors.push_back(std::move(k));
    }
  }

  std::vector<Candidate> out;
  if (!se.edits.empty()) out.push_back(std::move(se));
  std::move(anchors.begin(), anchors.end(), std::back_inserter(out));
  for (auto& [change, k] : grouped) {
    k.change = change;
    out.push_back(std::move(k));
  }
  for (auto& [change, k] : channels) {
    // All at once, then each alone: a layer inside a residual block cannot change its channels
    // unless the whole block does, and rewrite() rejects the graph where only some do.
    k.change = change;
    std::vector<Candidate> alone;
    if (k.edits.size() > 1)
      for (const auto& [id, e] : k.edits)
        alone.push_back({fmt::format("{} ({})", change, g.node(id).name), {{id, e}}, {id}, k.fixes});
    out.push_back(std::move(k));
    std::move(alone.begin(), alone.end(), std::back_inserter(out));
  }
  return out;
}

}  // namespace

std::vector<int> fallback_causes(const hw::Device& d, const ir::Graph& g, ir::DType dtype) {
  const std::vector<hw::Placement> at = hw::place_all(d, g, dtype);
  std::vector<int> causes;
  for (int i = 0; i < g.size(); ++i)
    if (at[i].unsupported) causes.push_back(i);
  return causes;
}

Repair repair_for_device(const ir::Graph& g, const hw::Device& d, ir::DType dtype) {
  Repair r{.graph = g};
  int fallbacks = count_fallbacks(d, g, dtype);
  r.fallbacks_before = fallbacks;
  constexpr int kMaxSteps = 32;  // each kept step removes a fallback; a graph has few kinds of them
  for (int step = 0; step < kMaxSteps && fallbacks > 0; ++step) {
    const std::vector<int> causes = fallback_causes(d, r.graph, dtype);
    bool kept = false;
    for (Candidate& c : candidates(d, r.graph, dtype, causes)) {
      ir::Graph next;
      int after = 0;
      try {
        next = ir::rewrite(r.graph, c.edits);
        after = count_fallbacks(d, next, dtype);
      } catch (const Error&) {
        continue;  // not shape-correct here (a residual add), or a node neither processor runs
      }
      if (after >= fallbacks) continue;
      RepairStep s{
          .change = c.change, .fixes = c.fixes, .fallbacks_before = fallbacks, .fallbacks_after = after, .graph = next};
      for (int id : c.nodes) s.nodes.push_back(r.graph.node(id).name);
      r.steps.push_back(std::move(s));
      r.graph = std::move(next);
      fallbacks = after;
      kept = true;
      break;
    }
    if (!kept) break;
  }
  r.fallbacks_after = fallbacks;

  std::map<std::string, std::pair<std::string, int>> left;  // op key -> (reason, nodes)
  const std::vector<hw::Placement> at = hw::place_all(d, r.graph, dtype);
  for (int c : fallback_causes(d, r.graph, dtype)) {
    auto& [why, n] = left[hw::op_key(r.graph.node(c))];
    if (why.empty()) why = at[c].reason;
    ++n;
  }
  for (const auto& [key, v] : left)
    r.remaining.push_back(fmt::format("{}: {} ({} node{})", key, v.first, v.second, v.second == 1 ? "" : "s"));
  return r;
}

}  // namespace hwnas::target
