// place() / place_all(): which processor runs each node. The rules, in order:
//   input and zero nodes cost nothing and are native;
//   a batch_norm that folds into its conv / depthwise / FC (ir::fold_target) goes with it;
//   an activation that is the only reader of its producer (looking through a folded
//     batch_norm) goes with the producer when the producer's processor fuses it: a processor
//     without an operator set fuses anything; one with a set only what the accepting entry
//     lists in fused_activations;
//   anything else runs on the primary when its operator set accepts it, else on the fallback.
// Under Partition::SingleCut the first node placed on its own that the primary rejects is the
// cut: it and every later node placed on its own (node order is topological, as a TFLite
// operator list is) run on the fallback; followers stay with their anchors.
#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/hw/device.h"
#include "hwnas/hw/op_support.h"
#include "hwnas/ir/op_traits.h"
#include "hwnas/ir/stats.h"

namespace hwnas::hw {
namespace {

bool is_output(const ir::Graph& g, int id) {
  return std::find(g.outputs().begin(), g.outputs().end(), id) != g.outputs().end();
}

class Placer {
 public:
  Placer(const Device& d, const ir::Graph& g, ir::DType t) : d_(d), g_(g), t_(t), consumers_(g.consumers()) {
    if (d.processors.empty()) fail(d.name, "the device has no processors");
  }

  // Placement of node `id`, given those of every earlier node in `done` (called in node order).
  Placement place(int id, const std::vector<Placement>& done) {
    const ir::Node& n = g_.node(id);
    if (n.op == ir::OpKind::Input || n.op == ir::OpKind::Zero) return {d_.primary, true, ""};
    if (const int target = ir::fold_target(g_, consumers_, id); target >= 0)
      return follow(done[target], target, "folded into");
    if (ir::is_activation(n.op)) {
      if (auto p = fused(id, done)) return *p;
    }
    std::string why;
    const Processor& primary = d_.processors[d_.primary];
    const bool supported = accepts(primary, g_, id, t_, &why);
    if (supported && cut_ < 0) return {d_.primary, true, ""};
    if (d_.fallback.processor < 0)
      fail(g_.describe(id),
           "cannot run on {} ({}), and the device has no fallback processor; choose another "
           "device or change the model",
           d_.name, why);
    Placement out{d_.fallback.processor, false, why};
    out.unsupported = !supported;
    if (cut_ >= 0) {
      out.cut_at = cut_;
      if (supported) out.reason = fmt::format("after the single cut at '{}' ({})", g_.node(cut_).name, cut_reason_);
    } else if (d_.partition == Partition::SingleCut) {
      cut_ = id;
      cut_reason_ = why;
    }
    std::string fallback_why;
    if (!accepts(d_.processors[d_.fallback.processor], g_, id, t_, &fallback_why))
      fail(g_.describe(id), "cannot run on {}: {}, nor on the fallback {} ({})", d_.name,
           supported ? out.reason : fmt::format("not on {} ({})", primary.name, why),
           d_.processors[d_.fallback.processor].name, fallback_why);
    return out;
  }

 private:
  // The activation `id` fused into its producer, or nullopt when it runs as its own op.
  std::optional<Placement> fused(int id, const std::vector<Placement>& done) const {
    const int producer = g_.node(id).inputs.at(0);
    if (consumers_[producer].size() != 1 || is_output(g_, producer)) return std::nullopt;
    int anchor = producer;  // look through a batch_norm folded into a conv
    if (ir::traits(g_.node(producer).op).folds_into_producer) {
      const int target = ir::fold_target(g_, consumers_, producer);
      if (target < 0) return std::nullopt;
      anchor = target;
    }
    const Placement& at = done[anchor];
    const Processor& p = d_.processors[at.processor];
    if (p.ops) {
      const OpSupport* s = find_support(p, g_, anchor, t_, nullptr);
      const ir::OpKind act = g_.node(id).op;
      if (!s || std::find(s->fused_activations.begin(), s->fused_activations.end(), act) == s->fused_activations.end())
        return std::nullopt;
    }
    return follow(at, anchor, "fused into");
  }

  Placement follow(const Placement& target, int target_id, std::string_view how) const {
    if (target.native) return {target.processor, true, "", target_id};
    return {target.processor, false,
            fmt::format("{} '{}', which falls back: {}", how, g_.node(target_id).name, target.reason), target_id};
  }

  const Device& d_;
  const ir::Graph& g_;
  ir::DType t_;
  std::vector<std::vector<int>> consumers_;
  int cut_ = -1;            // SingleCut: the node the graph was cut at, once there is one
  std::string cut_reason_;  // why the primary rejected it
};

// The placements of nodes 0..last (a node's placement depends only on those before it).
std::vector<Placement> place_prefix(const Device& d, const ir::Graph& g, int last, ir::DType dtype) {
  Placer placer(d, g, dtype);
  std::vector<Placement> out;
  out.reserve(last + 1);
  for (int i = 0; i <= last; ++i) out.push_back(placer.place(i, out));
  return out;
}

}  // namespace

Placement place(const Device& d, const ir::Graph& g, int node, ir::DType dtype) {
  if (node < 0 || node >= g.size()) fail(g.name(), "no node {} (the graph has {})", node, g.size());
  return place_prefix(d, g, node, dtype).back();
}

std::vector<Placement> place_all(const Device& d, const ir::Graph& g, ir::DType dtype) {
  return place_prefix(d, g, g.size() - 1, dtype);
}

}  // namespace hwnas::hw
