#pragma once
// Kernels: the units a backend actually executes. A backend fuses some adjacent operators
// (XNNPACK folds a batch_norm into the conv before it and a relu/relu6 into the conv's output
// clamp), so a per-operator profile or a kernel-level latency model must split a graph into
// kernels first, the way nn-Meter does. Which pairs fuse is a FusionRules value: written by
// hand for a known backend, or detected by measurement (cost/fusion_detect.h).
//
//   ir::FusionRules rules = ir::FusionRules::batchnorm_only();
//   rules.add(ir::OpKind::Conv2D, ir::OpKind::Relu6);
//   std::vector<ir::Kernel> ks = ir::split_kernels(graph, rules);
//   ir::Graph one = ir::extract(graph, ks[3].nodes);   // a standalone graph to time alone
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::ir {

struct FusionRules {
  // (producer, consumer): the consumer joins the producer's kernel when it is the producer's
  // only reader. A batch_norm joins its fold_target() conv/depthwise/FC always.
  std::set<std::pair<OpKind, OpKind>> pairs;

  static FusionRules batchnorm_only();
  void add(OpKind producer, OpKind consumer) { pairs.insert({producer, consumer}); }
  bool fuses(OpKind producer, OpKind consumer) const { return pairs.contains({producer, consumer}); }
};

struct Kernel {
  std::vector<int> nodes;  // ids in graph order; nodes[0] is the anchor (e.g. the conv)
  std::string name;        // the anchor's node name
  std::string type;        // the ops joined by '+', e.g. "conv2d+batch_norm+relu6"
};

// Every non-Input node in exactly one kernel, kernels in graph order. Input nodes form no kernel.
std::vector<Kernel> split_kernels(const Graph& g, const FusionRules& rules);

// A standalone graph of `nodes` (graph order, a connected piece of g): every tensor they read
// from outside becomes an Input of the same shape; the outputs are the nodes read outside
// the set or that are g's outputs (at least the last node). Node names are kept.
Graph extract(const Graph& g, const std::vector<int>& nodes);

}  // namespace hwnas::ir
