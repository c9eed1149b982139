#pragma once
// ir::rewrite(): a graph rebuilt with some nodes changed, the way a compiler pass edits a
// network: an operator swapped (hardswish -> relu6), attributes changed (a 7x7 kernel made
// 5x5, channels rounded up), or a node bypassed (a squeeze-excite scale removed: its readers
// read its input instead). Shapes are inferred again, so a change of channels flows on to the
// layers that follow; nodes that no output depends on any more are dropped (dead code).
//
//   std::map<int, ir::NodeEdit> edits;
//   edits[7].op = ir::OpKind::Relu6;                 // node 7 was a hardswish
//   edits[12].attrs = a;  /* kernel 5 */              // node 12 was a 7x7 depthwise
//   edits[20].bypass = 0;                             // node 20 (a mul) passes its input 0 on
//   ir::Graph repaired = ir::rewrite(g, edits);
//
// Node names stay, so weights of unchanged layers can be matched by name. Throws hwnas::Error
// naming the node when the result is not shape-correct (e.g. rounding up the channels of one
// branch of a residual add): callers treat that as "this change does not apply here".
#include <map>
#include <optional>

#include "hwnas/ir/graph.h"

namespace hwnas::ir {

struct NodeEdit {
  std::optional<OpKind> op;    // the new operator (its attrs made canonical for it)
  std::optional<Attrs> attrs;  // the new attributes
  std::optional<int> bypass;   // the node is removed; its readers read its input `*bypass` instead
};

Graph rewrite(const Graph& g, const std::map<int, NodeEdit>& edits);

}  // namespace hwnas::ir
