#pragma once
// ONNX export of an ir::Graph with its weights: an inference model that onnxruntime, OpenCV
// DNN or any ONNX runtime loads and that computes what hwnas' backends compute.
//
//   runtime::Weights w = runtime::init_weights(g, {.seed = 1});
//   interop::OnnxModel m = interop::export_onnx(g, w);   // checked before it is returned
//   interop::write_onnx("model.onnx", m);                 // atomic
//
// What the file is (docs/onnx.md has the operator table):
//   - NCHW: every rank-4 tensor [N,H,W,C] of the graph is [N,C,H,W] in the file, inputs and
//     outputs included; concat/softmax axes, reshapes/flattens (a Transpose to NHWC where the
//     element order differs) and fully-connected weight columns are mapped (interop/nchw.h).
//   - opset 14 (HardSwish is an opset-14 operator), ir_version 7; weights are initializers.
//   - BatchNorm folded by default, like every hwnas backend executes it (runtime/fold.h): the
//     file computes the same numbers as `hwnas run`, and a conv+BN pair is one Conv, as
//     deployment runtimes would fuse it anyway. fold_batchnorm = false keeps
//     BatchNormalization nodes with the training statistics (e.g. to fine-tune the file).
//   - Every tensor's shape is declared, and the model must pass onnx::checker::check_model
//     and strict shape inference (errors thrown, each declared shape matched): a wrong
//     layout mapping fails at export rather than in somebody's runtime.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::interop {

inline constexpr int kOnnxOpset = 14;

struct OnnxOptions {
  bool fold_batchnorm = true;
};

struct OnnxModel {
  std::string bytes;  // a serialized onnx.ModelProto
  std::string graph;  // the graph's name
  int opset = kOnnxOpset;
  int nodes = 0, initializers = 0;
  int64_t weight_values = 0;                                       // floats stored as initializers
  std::vector<std::pair<std::string, ir::Shape>> inputs, outputs;  // names and NCHW shapes
};

// Throws hwnas::Error naming the node when the weights do not match the graph or an operator
// cannot be expressed (batch_norm on a rank-3 tensor), and naming the graph when the result
// fails the checker.
OnnxModel export_onnx(const ir::Graph& g, const runtime::Weights& w, const OnnxOptions& options = {});

// onnx::checker::check_model, then shape inference in strict mode (node errors thrown,
// declared and inferred shapes must agree). Error at `where` with the checker's message.
void check_onnx(std::string_view bytes, const std::string& where);

// Writes the file atomically; Error naming the path when it cannot be written.
void write_onnx(const std::filesystem::path& path, const OnnxModel& model);

}  // namespace hwnas::interop
