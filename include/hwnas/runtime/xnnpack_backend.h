#pragma once
// The XNNPACK backend (Debian's 2022-02 snapshot: the kernels TensorFlow Lite runs on CPUs).
// prepare() turns each maximal run of consecutive supported nodes into one XNNPACK subgraph
// and creates its runtime once (weights packed, BatchNorm folded, threads from a
// pthreadpool); invoke() runs the runtimes in order. A node the snapshot cannot run (concat,
// nearest resize, softmax over a non-last axis, 1x1 pooling) runs on the reference kernel
// between two subgraphs and is listed by fallback_nodes(), so nothing is silently dropped.
// A zero node (NB201's "none") is a constant: its buffer is zeroed once at prepare() and read
// by the subgraphs as an input, so it splits nothing.
//
// With BackendOptions::dtype = i8, the operators this snapshot quantizes (conv, depthwise,
// FC, add, multiply, global average pool, max pool, relu/relu6) run in int8 and the rest in
// f32, with convert nodes between; quantization as in quantize.h, activation ranges from
// calibrate_ranges() on calibration_inputs(graph, calibration_seed).
//
// Mapping: relu/relu6 -> clamp; swish -> sigmoid * x; hard_sigmoid -> clamp(x/6 + 1/2, 0, 1);
// an unfolded batch_norm -> multiply + add by per-channel constants; avg_pool with
// count_include_pad and padding -> zero pad + unpadded pool; add of n inputs -> n-1 add2.
//
//   runtime::XnnpackBackend xnn;
//   auto model = xnn.prepare(graph, weights, {.threads = 2});
//   model->summary();   // "xnnpack: 1 subgraph(s), 0 node(s) on reference kernels"
#include <optional>
#include <string>

#include "hwnas/runtime/backend.h"

namespace hwnas::runtime {

class XnnpackBackend : public Backend {
 public:
  std::string name() const override { return "xnnpack"; }
  std::unique_ptr<PreparedModel> prepare(const ir::Graph& g, const Weights& w,
                                         const BackendOptions& options = {}) const override;
};

// Why XNNPACK cannot run node `id` (it then falls back to the reference kernel), or nullopt.
std::optional<std::string> xnnpack_unsupported_reason(const ir::Graph& g, int id);

// Whether BackendOptions::dtype = i8 runs `op` in int8 (conv, depthwise, FC, add, multiply,
// global average pool, max pool, relu/relu6); the rest run in f32 between converts.
bool xnnpack_quantizes(ir::OpKind op);

}  // namespace hwnas::runtime
