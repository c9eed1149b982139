#include "hwnas/target/restrict_space.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/hw/op_support.h"
#include "hwnas/target/audit.h"

namespace hwnas::target {
namespace {

// Per node name of one decoded graph: whether the primary accepts it (and the anchor it is
// folded or fused into), and, for the nodes it rejects, the fallback they cause ("op key:
// reason"); and the op keys that cause fallbacks at all. Nodes that fall back only because
// they come after a single cut (hw::Partition::SingleCut) are not causes: the choice that made
// the cut is, so that is the one a decision drops.
struct Fallback {
  std::string key;   // "depthwise_conv2d k7 s1"
  std::string what;  // "depthwise_conv2d k7 s1: kernel 7 not in [3, 5]"
};
struct Placed {
  std::unordered_map<std::string, bool> native;  // accepted by the primary (native, or only after a cut)
  std::map<std::string, Fallback> fallbacks;     // by node name
  std::set<std::string> keys;
};

Placed placed(const hw::Device& d, const ir::Graph& g, ir::DType dtype) {
  const auto at = hw::place_all(d, g, dtype);
  Placed p;
  for (int i = 0; i < g.size(); ++i) {
    const bool rejected = at[i].unsupported || (at[i].follows >= 0 && at[at[i].follows].unsupported);
    p.native[g.node(i).name] = !rejected;
    if (!at[i].unsupported) continue;  // a follower's fate is its anchor's, a node after a cut the cut's
    const std::string key = hw::op_key(g.node(i));
    p.fallbacks[g.node(i).name] = {key, fmt::format("{}: {}", key, at[i].reason)};
    p.keys.insert(key);
  }
  return p;
}

// Step 1: swap out fixed operators the primary never runs, while the space offers a swap.
void substitute(std::unique_ptr<space::SearchSpace>& s, const hw::Device& d, ir::DType dtype, const RestrictOptions& o,
                RestrictedSpace& r) {
  const hw::Processor& primary = d.processors[d.primary];
  const auto runs = [&](ir::OpKind k) { return hw::runs_op(primary, k); };
  for (int round = 0; round < ir::kNumOpKinds; ++round) {
    std::set<ir::OpKind> missing;
    for (const auto& a : representative_archs(*s, 0, o.seed)) {
      const ir::Graph g = s->decode(a);
      const auto at = hw::place_all(d, g, dtype);
      for (int i = 0; i < g.size(); ++i)
        if (!at[i].native && !runs(g.node(i).op)) missing.insert(g.node(i).op);
    }
    bool changed = false;
    for (ir::OpKind k : missing) {
      auto sub = s->without_op(k, runs);
      if (!sub.space) continue;
      s = std::move(sub.space);
      r.substitutions.push_back(sub.change +
                                fmt::format(": {} is not in {}'s operator set", ir::op_name(k), primary.name));
      changed = true;
      break;  // decode again: one swap can remove several operators (squeeze-excite)
    }
    if (!changed) return;
  }
}

// Steps 2 and 3: per decision, the choices that cause fallbacks another choice avoids.
// Step 2: a node both choices have is native with the other. Step 3 (`new_nodes`): the other
// choice has no such node and no fallback of that kind at all (squeeze-excite on vs off, not
// a deeper stage of blocks that fall back either way).
void filter_decisions(space::SearchSpace& s, const hw::Device& d, ir::DType dtype, const RestrictOptions& o,
                      bool new_nodes, RestrictedSpace& r) {
  Rng rng(o.seed + (new_nodes ? 1 : 0));
  constexpr int kTries = 100;
  for (int dec = 0; dec < s.num_decisions(); ++dec) {
    const int n = static_cast<int>(s.decisions()[dec].choices.size());
    if (n < 2) continue;
    std::vector<std::string> why(n);  // per choice: the first fallback it causes
    for (int b = 0, tries = 0; b < o.bases_per_decision && tries < kTries; ++tries) {
      const space::Arch base = s.sample(rng);
      std::vector<Placed> per(n);
      bool active = true;
      for (int c = 0; c < n && active; ++c) {
        const auto a = with_choice(s, base, dec, c);
        if (!a) active = false;
        else per[c] = placed(d, s.decode(*a), dtype);
      }
      if (!active) continue;
      ++b;
      for (int c = 0; c < n; ++c)
        for (const auto& [name, f] : per[c].fallbacks)
          for (int other = 0; other < n && why[c].empty(); ++other) {
            if (other == c) continue;
            const auto it = per[other].native.find(name);
            const bool avoided = new_nodes ? it == per[other].native.end() && !per[other].keys.contains(f.key)
                                           : it != per[other].native.end() && it->second;
            if (avoided) why[c] = f.what;
          }
    }
    std::vector<std::string> keep, drop;
    for (int c = 0; c < n; ++c) (why[c].empty() ? keep : drop).push_back(s.decisions()[dec].choices[c]);
    if (drop.empty() || keep.empty()) continue;  // keep.empty(): each choice fails where another does not
    std::string reason;
    for (int c = 0; c < n; ++c)
      if (!why[c].empty() && reason.find(why[c]) == std::string::npos) reason += (reason.empty() ? "" : "; ") + why[c];
    r.removed.push_back({s.decisions()[dec].name, drop, reason});
    s.restrict(dec, keep);
  }
}

void check(const space::SearchSpace& s, const hw::Device& d, ir::DType dtype, const RestrictOptions& o,
           RestrictedSpace& r) {
  Rng rng(o.seed + 2);
  std::map<std::string, int> seen;  // "op key: reason" -> samples with it
  for (int i = 0; i < o.check_samples; ++i) {
    std::set<std::string> in_this;
    for (const auto& [name, f] : placed(d, s.decode(s.sample(rng)), dtype).fallbacks) in_this.insert(f.what);
    for (const auto& w : in_this) ++seen[w];
  }
  r.checked = o.check_samples;
  for (const auto& [what, count] : seen)
    r.remaining.push_back(fmt::format("{} (in {} of {} checked samples)", what, count, o.check_samples));
}

}  // namespace

RestrictedSpace restrict_space(const space::SearchSpace& s, const hw::Device& d, ir::DType dtype,
                               const RestrictOptions& o) {
  RestrictedSpace r;
  r.size_before = s.size();
  std::unique_ptr<space::SearchSpace> cur = s.clone();
  substitute(cur, d, dtype, o, r);
  filter_decisions(*cur, d, dtype, o, false, r);
  filter_decisions(*cur, d, dtype, o, true, r);
  cur->rename(fmt::format("{}@{}", s.name(), d.name));
  r.size_after = cur->size();
  check(*cur, d, dtype, o, r);
  r.space = std::move(cur);
  return r;
}

}  // namespace hwnas::target
