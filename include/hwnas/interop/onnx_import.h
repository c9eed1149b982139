#pragma once
// ONNX import: a CNN that PyTorch's or TensorFlow's exporter wrote, as an ir::Graph with its
// weights, so that a user's own model file is a model reference like any built-in one
// (target/resolver.h; `hwnas model info model.onnx`, measure, run, predict, deploy, ...).
//
//   interop::ImportedOnnx m = interop::import_onnx("efficientnet_b0.onnx");
//   runtime::check_weights(m.graph, m.weights);  // already checked; the weights are the file's
//
// What it reads (docs/onnx.md has the table): Conv (grouped, depthwise, dilated, padded),
// Gemm, MatMul (+ Add as its bias), BatchNormalization, Relu, Clip (as relu or relu6),
// HardSwish, HardSigmoid, Sigmoid, Mul(x, Sigmoid(x)) as swish and Mul(x, HardSigmoid(x)) as
// hardswish, Add, Mul, Concat, Flatten, Reshape (to and from [N, C]), Max/AveragePool,
// GlobalAveragePool, ReduceMean over H and W, Pad, Resize, Softmax, Dropout, Identity.
// Subgraphs that compute shapes (Shape, Gather, Unsqueeze, Concat, Cast, arithmetic on
// constants) are folded to constants. NCHW becomes NHWC: kernels are permuted and a
// fully-connected layer after a flatten of a feature map gets its columns reordered.
// A batch dimension that is symbolic becomes 1.
//
// Anything else is an hwnas::Error naming the file, the node, its operator and opset, and what
// is supported; a file that is not ONNX, or truncated, names the file.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::interop {

struct ImportedOnnx {
  ir::Graph graph;
  runtime::Weights weights;        // the file's own, in the training form (BatchNorm kept as is)
  int opset = 0;                   // of the default ("ai.onnx") domain
  std::string producer;            // e.g. "pytorch 1.13.0"
  std::vector<std::string> notes;  // what was mapped rather than translated, for `model info`
};

ImportedOnnx import_onnx(const std::filesystem::path& path);

// The same from the bytes of a file; `where` names it in errors.
ImportedOnnx import_onnx_bytes(std::string_view bytes, const std::string& where);

}  // namespace hwnas::interop
