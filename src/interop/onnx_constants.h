#pragma once
// The constant side of ONNX import (onnx_import.cc): initializers and Constant nodes as
// tensors, and the folding of the small subgraphs exporters write to compute shapes
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), so that what reaches the graph has
// every shape fixed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace hwnas::interop::onnx_import_detail {

// A constant tensor: float data (weights, scales) or integer data (shapes, axes, indices).
struct Constant {
  std::vector<int64_t> dims;
  bool is_int = false;
  std::vector<float> f;    // when !is_int
  std::vector<int64_t> i;  // when is_int

  int64_t numel() const;
  size_t size() const { return is_int ? i.size() : f.size(); }
  double at(size_t k) const { return is_int ? static_cast<double>(i[k]) : static_cast<double>(f[k]); }
  // The values as integers (a float constant is rounded towards zero: Cast semantics).
  std::vector<int64_t> ints() const;
  std::vector<float> floats() const;
};

// a * b for dimensions and shape arithmetic; Error at `where` when it overflows.
int64_t checked_mul(int64_t a, int64_t b, const std::string& where);

// An initializer or a Constant node's tensor. Error at `where` for external data, a data type
// other than float/double/int32/int64/bool, or data that does not match its dims.
Constant read_tensor(const onnx::TensorProto& t, const std::string& where);

// The value of a Constant node (value, value_float(s), value_int(s)).
Constant constant_node_value(const onnx::NodeProto& node, const std::string& where);

// Whether `op` can be folded when all its inputs are constants.
bool foldable(const std::string& op);

// Folds node `op` over constant inputs (null entries are absent optional inputs).
// Error at `where` for a form it does not know (e.g. Gather on a rank-2 tensor).
Constant fold(const onnx::NodeProto& node, const std::vector<const Constant*>& inputs, const std::string& where);

}  // namespace hwnas::interop::onnx_import_detail
