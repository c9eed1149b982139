#pragma once
// ir::Stats: what a graph costs before any hardware is involved. MACs and params follow the
// conventions of DESIGN.md, which are those of published tables:
//   macs   = multiply-accumulates of conv2d, depthwise_conv2d and fully_connected (the figure
//            NAS-Bench-201 calls FLOPs and torchvision GFLOPS);
//   params = conv/FC weights, conv/FC bias where present, BatchNorm gamma and beta.
// Weight bytes are for the deployable (inference) form, with BatchNorm folded into the conv
// or FC before it: kernels in the dtype, one bias per output channel (int32 for int8, as
// TFLite stores it), and a scale+shift per channel for a BatchNorm that cannot be folded.
//
//   ir::Stats s = ir::compute_stats(graph);
//   s.macs; s.params; s.weight_bytes(ir::DType::i8); s.nodes[i].activation_elems;
#include <cstdint>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::ir {

struct NodeStats {
  int64_t macs = 0;
  int64_t params = 0;            // training convention (above)
  int64_t kernel_elems = 0;      // conv/FC weights
  int64_t bias_elems = 0;        // inference form: biases incl. those created by BN folding
  int64_t scale_elems = 0;       // inference form: scale+shift of a BN that cannot be folded
  int64_t activation_elems = 0;  // elements of the output tensor

  // Bytes of this node's deployable weights when stored in `dtype` (see Stats::weight_bytes).
  int64_t weight_bytes(DType dtype) const;
};

struct Stats {
  std::vector<NodeStats> nodes;  // one per graph node
  int64_t macs = 0;
  int64_t params = 0;
  int64_t activation_elems_total = 0;  // every tensor, as if all were kept
  int64_t activation_elems_max = 0;    // the largest single tensor

  // Bytes of the deployable weights when stored in `dtype`.
  int64_t weight_bytes(DType dtype) const;
};

Stats compute_stats(const Graph& g);

// For a batch_norm node: the conv2d / depthwise / fully_connected it folds into (its only
// input, read by nothing else and not a graph output), or -1 when it cannot be folded.
int fold_target(const Graph& g, const std::vector<std::vector<int>>& consumers, int bn);

}  // namespace hwnas::ir
