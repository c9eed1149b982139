#pragma once
// plan::TensorGraph and plan::Lifetimes: which buffers a graph needs and when each is live,
// the input of every arena planner (memory_planner.h) and of the execution-order search
// (execution_order.h).
//
//   plan::TensorGraph tg = plan::tensor_graph(graph, ir::DType::i8);
//   plan::Lifetimes lt = plan::tensor_lifetimes(tg, plan::graph_order(graph));
//   lt.buffers[0];                   // {bytes, first step, last step, nodes sharing it}
//   plan::peak_live_bytes(lt);       // max over steps of the bytes of live buffers
//
// Rules (the order-independent ones in tensor_graph(), the order-dependent in
// tensor_lifetimes()), as TFLite Micro and TinyEngine plan an arena:
//  - A step is one position of the execution order. A buffer is live from the step that
//    first writes it to the last step that reads it, both included: an op's inputs and its
//    output coexist while it runs. Graph outputs stay live to the last step.
//  - Sizes are element counts times the dtype's bytes (int8: 1, f32: 4), for every tensor.
//  - Aliases never get a buffer of their own: reshape and flatten (the same bytes seen with
//    another shape) and a batch_norm folded into its conv / depthwise / FC (ir::fold_target:
//    the folded network has no such tensor); with InPlaceRules::fuse_activations also a relu /
//    relu6 fused into its layer. Their readers read the source's buffer.
//  - In place (in_place.h says which ops may): the op writes its output into the buffer of an
//    input when it is the input's last reader in the order, the input is not a graph output,
//    and the two have the same number of bytes (an add with broadcasting reuses its full-size
//    input). Concat, pad and the rest always get a new buffer.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/plan/in_place.h"

namespace hwnas::plan {

// Order-independent facts per node.
struct TensorNode {
  int root = 0;            // node whose buffer holds this output: itself, or an alias's source
  bool alias = false;      // no buffer and no work: reads through to `root`
  bool in_place = false;   // may take over a dying input buffer of `bytes` bytes
  int64_t bytes = 0;       // of its own output (the root's bytes for an alias)
  std::vector<int> reads;  // distinct roots it reads (empty for aliases and inputs)
};

struct TensorGraph {
  std::vector<TensorNode> nodes;           // one per graph node
  std::vector<std::vector<int>> readers;   // per root: the non-alias nodes reading it
  std::vector<char> is_output;             // per root: holds a graph output
  std::vector<std::vector<int>> alias_of;  // per node: aliases reading it directly
};

TensorGraph tensor_graph(const ir::Graph& g, ir::DType dtype, const InPlaceRules& rules = {});

struct Buffer {
  int64_t bytes = 0;
  int first = 0, last = 0;  // steps (positions in the order), inclusive
  std::vector<int> nodes;   // nodes whose outputs live in it (in-place chains, aliases)
};

struct Lifetimes {
  std::vector<int> order;  // node ids, one step each
  std::vector<Buffer> buffers;
  std::vector<int> buffer_of;  // per node id: its buffer
};

// The graph's own node order (0, 1, ..., n-1), topological by construction.
std::vector<int> graph_order(const ir::Graph& g);

// Buffers and their lifetimes for `order`, a permutation of the node ids in which every
// node comes after its inputs (Error naming the offending node otherwise).
Lifetimes tensor_lifetimes(const ir::Graph& g, const TensorGraph& tg, std::span<const int> order);

// Bytes of live buffers per step, and their maximum: the lower bound of any arena plan for
// this order (an arena can do no better than holding exactly the live buffers).
std::vector<int64_t> live_bytes_per_step(const Lifetimes& lt);
int64_t peak_live_bytes(const Lifetimes& lt);

}  // namespace hwnas::plan
