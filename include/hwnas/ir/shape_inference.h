#pragma once
// Shape inference for one operator. Graph::add calls it for every node, so a graph that
// exists is always shape-correct; errors name the node and the mismatch:
//   node 'stage2.add' (add): input shapes [1,28,28,24] and [1,28,28,32] do not broadcast
#include <span>
#include <string_view>

#include "hwnas/ir/op.h"
#include "hwnas/ir/shape.h"

namespace hwnas::ir {

// Output shape of `op` with `attrs` on `inputs`; throws hwnas::Error with where = `where`.
Shape infer_shape(OpKind op, const Attrs& attrs, std::span<const Shape> inputs, std::string_view where);

// The padding actually applied by a conv/pool on an input of h x w (Same resolved the
// TensorFlow way: the odd pixel goes to the bottom/right).
struct Pads {
  int top = 0, left = 0, bottom = 0, right = 0;
  bool operator==(const Pads&) const = default;
};
Pads resolve_pads(const Attrs& attrs, int64_t in_h, int64_t in_w);

}  // namespace hwnas::ir
