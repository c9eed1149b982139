#pragma once
// A model repaired for a device: the graph changed, step by step, so that the operators that
// fall back to the device's fallback processor run natively instead, using the alternatives a
// hardware-aware designer reaches for (and that the restricted spaces offer as choices):
//
//   squeeze-excite off         a channel scale (mul by a gate computed from a global pool of the
//                              same tensor) bypassed, when the gate or the mul falls back
//   <act> -> relu6 | relu      an activation the device cannot run, swapped for one it can
//                              (squeeze-excite gates are removed instead: see above)
//   <op> k7 -> k5              a kernel larger than the operator set allows, shrunk to the
//                              largest allowed (padding kept "same")
//   channels -> multiple of N  a conv or FC layer's output channels rounded up to the alignment
//   channels capped at M       the operator set asks for, or down to its channel limit (its
//                              readers follow; not where a reshape reads them: there they are
//                              structure)
//   anchors per location a -> b  an SSD head (conv -> reshape [1, -1, V]) whose channels the
//                              device cannot take: every head of that feature map gets the
//                              smallest anchor count above a that it accepts (boxes and scores
//                              keep one count, so the detector stays consistent)
//
// Each candidate step is tried on the graph as repaired so far (ir::rewrite) and kept only when
// it lowers the number of nodes that fall back; steps repeat until none helps. What still
// falls back (an operator with no native alternative, a stride the device cannot do) is listed
// in `remaining`. The repaired graph keeps node names, so weights of unchanged layers carry
// over; changed layers need training (the repair changes what the network computes).
//
//   target::Repair r = target::repair_for_device(ir_graph, hw::load_device("npu-generic"), ir::DType::i8);
//   for (const auto& s : r.steps) fmt::print("{}: {} nodes, fallbacks {} -> {}\n", s.change,
//                                            s.nodes.size(), s.fallbacks_before, s.fallbacks_after);
//   // hardswish -> relu6: 12 nodes, fallbacks 31 -> 14
#include <string>
#include <vector>

#include "hwnas/hw/device.h"
#include "hwnas/ir/graph.h"

namespace hwnas::target {

struct RepairStep {
  std::string change;              // "hardswish -> relu6", "squeeze-excite off", "depthwise_conv2d k7 -> k5"
  std::vector<std::string> nodes;  // the nodes changed (for squeeze-excite: the bypassed muls)
  std::string fixes;               // the fallback reason it removes (of its first node)
  int fallbacks_before = 0, fallbacks_after = 0;  // nodes of the whole graph that fall back
  ir::Graph graph;                                // the graph after this step (and the ones before)
};

struct Repair {
  ir::Graph graph;                     // the input graph with every kept step applied
  std::vector<RepairStep> steps;       // kept steps, in the order applied
  std::vector<std::string> remaining;  // "softmax: softmax is not in npu's operator set (1 node)"
  int fallbacks_before = 0, fallbacks_after = 0;
};

// The graph unchanged (no steps) when nothing falls back. Throws hwnas::Error as hw::place_all
// does (a node that neither processor runs).
Repair repair_for_device(const ir::Graph& g, const hw::Device& d, ir::DType dtype);

// The nodes that fall back because of what they are, not because they are fused into, folded
// into, or placed after (a single-cut partition) a node that falls back: what a repair targets.
std::vector<int> fallback_causes(const hw::Device& d, const ir::Graph& g, ir::DType dtype);

}  // namespace hwnas::target
