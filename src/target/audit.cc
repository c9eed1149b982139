#include "hwnas/target/audit.h"

#include <algorithm>
#include <map>
#include <set>

#include "hwnas/hw/op_support.h"
#include "hwnas/ir/op_traits.h"

namespace hwnas::target {
namespace {

// Rows keyed by hw::op_key, and the keys whose reason is a node's own (not "after the cut").
struct Rows {
  std::map<std::string, AuditRow> by_key;
  std::set<std::string> own_reason;
};

// Adds graph g's nodes to `rows`.
void add_graph(const hw::Device& d, const ir::Graph& g, ir::DType dtype, Rows& all) {
  std::map<std::string, AuditRow>& rows = all.by_key;
  const std::vector<hw::Placement> at = hw::place_all(d, g, dtype);
  const auto bytes = [&](int id) { return g.node(id).shape.numel() * ir::dtype_bytes(dtype); };
  const auto row = [&](int id) -> AuditRow& {
    AuditRow& r = rows[hw::op_key(g.node(id))];
    if (r.op.empty()) r.op = hw::op_key(g.node(id));
    return r;
  };
  const hw::Fallback& fb = d.fallback;
  const auto transfer = [&](AuditRow& r, int64_t n, bool to_fallback) {
    (to_fallback ? r.bytes_to_fallback : r.bytes_back) += n;
    r.transfers += 1;
    r.transfer_ms += 1e3 * (static_cast<double>(n) / fb.transfer_bytes_per_s + fb.transfer_overhead_s);
  };
  std::set<std::pair<int, int>> moved;  // (tensor, processor it was moved to)
  for (int i = 0; i < g.size(); ++i) {
    const ir::Node& n = g.node(i);
    if (n.op == ir::OpKind::Input) continue;
    AuditRow& r = row(i);
    if (at[i].native) {
      ++r.native;
    } else {
      ++r.fallback;
      // A node that only follows a single cut (itself, or the anchor it is folded or fused into)
      // is charged to the cut's cause; own reasons win over "after the single cut" in the row.
      // A fused activation the primary lacks altogether (a hardswish fused on the CPU) would fall
      // back without the cut; a folded batch_norm would not.
      const int anchor = at[i].follows >= 0 ? at[i].follows : i;
      const bool follows_cut = at[anchor].cut_at >= 0 && !at[anchor].unsupported &&
                               (anchor == i || !ir::is_activation(n.op) || hw::runs_op(d.processors[d.primary], n.op));
      if (follows_cut) {
        ++r.after_cut;
        ++row(at[anchor].cut_at).moved_by_cut;
      }
      if (r.reason.empty() || (!follows_cut && !all.own_reason.contains(r.op))) r.reason = at[i].reason;
      if (!follows_cut) all.own_reason.insert(r.op);
    }
    if (at[i].unsupported && at[i].cut_at < 0 && d.partition == hw::Partition::SingleCut) ++r.cuts;
    for (int in : n.inputs) {
      if (at[in].processor == at[i].processor || !moved.insert({in, at[i].processor}).second) continue;
      // The move is charged to the side that falls back.
      if (!at[i].native) transfer(r, bytes(in), true);
      else transfer(row(in), bytes(in), false);
    }
  }
  for (int out : g.outputs())  // results are read where the model was called: the primary
    if (!at[out].native && moved.insert({out, d.primary}).second) transfer(row(out), bytes(out), false);
}

Audit finish(const hw::Device& d, std::string subject, ir::DType dtype, int graphs, Rows all) {
  std::map<std::string, AuditRow>& rows = all.by_key;
  Audit a;
  a.device = d.name;
  a.subject = std::move(subject);
  a.primary = d.processors[d.primary].name;
  if (d.fallback.processor >= 0) a.fallback = d.processors[d.fallback.processor].name;
  a.dtype = dtype;
  a.graphs = graphs;
  for (auto& [key, r] : rows) a.rows.push_back(std::move(r));
  std::stable_sort(a.rows.begin(), a.rows.end(), [](const AuditRow& x, const AuditRow& y) {
    // Causes first: a row's own fallbacks, then those after a single cut.
    const int own_x = x.fallback - x.after_cut, own_y = y.fallback - y.after_cut;
    return own_x != own_y ? own_x > own_y : x.fallback > y.fallback;
  });
  return a;
}

}  // namespace

int Audit::native_nodes() const {
  int n = 0;
  for (const auto& r : rows) n += r.native;
  return n;
}
int Audit::fallback_nodes() const {
  int n = 0;
  for (const auto& r : rows) n += r.fallback;
  return n;
}
double Audit::transfer_ms() const {
  double ms = 0;
  for (const auto& r : rows) ms += r.transfer_ms;
  return ms;
}

Audit audit_graph(const hw::Device& d, const ir::Graph& g, ir::DType dtype) {
  Rows rows;
  add_graph(d, g, dtype, rows);
  return finish(d, g.name(), dtype, 1, std::move(rows));
}

std::optional<space::Arch> with_choice(const space::SearchSpace& s, space::Arch a, int d, int c) {
  a.choice.at(d) = c;
  if (!s.active(a, d)) return std::nullopt;
  return s.canonical(a);
}

std::vector<space::Arch> representative_archs(const space::SearchSpace& s, int samples, uint64_t seed) {
  Rng rng(seed);
  std::vector<space::Arch> archs;
  constexpr int kTries = 100;  // samples drawn to find one where a gated decision is active
  for (int d = 0; d < s.num_decisions(); ++d)
    for (int c = 0; c < static_cast<int>(s.decisions()[d].choices.size()); ++c)
      for (int t = 0; t < kTries; ++t)
        if (auto a = with_choice(s, s.sample(rng), d, c)) {
          archs.push_back(std::move(*a));
          break;
        }
  for (int i = 0; i < samples; ++i) archs.push_back(s.sample(rng));
  return archs;
}

Audit audit_space(const hw::Device& d, const space::SearchSpace& s, ir::DType dtype, int samples, uint64_t seed) {
  Rows rows;
  const auto archs = representative_archs(s, samples, seed);
  for (const auto& a : archs) add_graph(d, s.decode(a), dtype, rows);
  return finish(d, s.name(), dtype, static_cast<int>(archs.size()), std::move(rows));
}

}  // namespace hwnas::target
