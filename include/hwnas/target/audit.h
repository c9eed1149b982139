#pragma once
// The operator audit: which operators of a model, or of every model a search space can
// produce, run natively on a device and which fall back to its fallback processor, why, and
// what the fallback costs in transfers (bytes each way / transfer rate + overhead per
// transfer). Nodes are grouped by operator and the parameters operator sets constrain.
//
//   hw::Device npu = hw::load_device("npu-generic");
//   target::Audit a = target::audit_space(npu, *space::make_space("mbconv"), ir::DType::i8);
//   for (const target::AuditRow& r : a.rows)
//     if (r.fallback) fmt::print("{}: {} fall back ({})\n", r.op, r.fallback, r.reason);
//   // depthwise_conv2d k7 s1: 212 fall back (kernel 7 not in [3, 5])
//   // hardswish: ... (hardswish is not in npu's operator set)
//
// Under a single-cut partition (hw::Partition::SingleCut) the nodes after the cut fall back
// although their operators are supported: their rows count them in `after_cut` (and say
// "after the single cut at ..."), and the row of the operator that caused the cut counts the
// cuts it caused and the nodes each moved (`cuts`, `moved_by_cut`), so the audit names causes.
#include <cstdint>
#include <string>
#include <vector>

#include "hwnas/hw/device.h"
#include "hwnas/space/search_space.h"

namespace hwnas::target {

struct AuditRow {
  std::string op;        // "depthwise_conv2d k7 s1", "hardswish", "batch_norm"
  int native = 0;        // nodes of this kind that run on the primary processor
  int fallback = 0;      // nodes that run on the fallback processor
  int after_cut = 0;     // of those, nodes whose own operator the primary runs: they only follow a single cut
  int cuts = 0;          // graphs whose single cut was at a node of this kind (the cause)
  int moved_by_cut = 0;  // nodes those cuts sent to the fallback although the primary runs them
  std::string reason;    // why they fall back: the first reason of a node the primary rejects itself,
                         // else the first "after the single cut ..." reason; empty when none fall back
  // Transfers these fallback nodes cause, over all audited graphs: tensors moved to the
  // fallback processor (inputs produced natively) and back (outputs read natively, or graph
  // outputs). A tensor moves once per direction however many nodes read it.
  int64_t bytes_to_fallback = 0;
  int64_t bytes_back = 0;
  int transfers = 0;
  double transfer_ms = 0;  // bytes / Fallback::transfer_bytes_per_s + transfers x overhead
};

struct Audit {
  std::string device;             // device name
  std::string subject;            // the model's or the space's name
  std::string primary, fallback;  // processor names (fallback empty when none)
  ir::DType dtype = ir::DType::f32;
  int graphs = 0;              // graphs audited (1 for a model)
  std::vector<AuditRow> rows;  // rows with fallbacks first (most first), then by op

  int native_nodes() const;
  int fallback_nodes() const;
  double transfer_ms() const;  // over all graphs; divide by graphs for the mean per model
};

// The rows of one graph.
Audit audit_graph(const hw::Device& d, const ir::Graph& g, ir::DType dtype);

// A space's representative graphs: every choice of every decision appears (each in an
// architecture sampled with that choice forced, where the decision is active), plus `samples`
// plain samples. Counts add up over the graphs.
Audit audit_space(const hw::Device& d, const space::SearchSpace& s, ir::DType dtype, int samples = 50,
                  uint64_t seed = 1);

// The architectures audit_space() decodes.
std::vector<space::Arch> representative_archs(const space::SearchSpace& s, int samples, uint64_t seed);

// `a` with decision d set to choice c, canonical; nullopt when d is inactive there.
std::optional<space::Arch> with_choice(const space::SearchSpace& s, space::Arch a, int d, int c);

}  // namespace hwnas::target
