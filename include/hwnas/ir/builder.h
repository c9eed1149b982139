#pragma once
// ir::GraphBuilder: writes model code that reads like the paper's table. Nodes are named by
// a scope stack ("stage2.block1.expand") and convolutions default to PyTorch-style symmetric
// padding of (k-1)/2 * dilation, which is what the published models use.
//
//   ir::GraphBuilder b("mobilenetv2-1.0");
//   int x = b.input({1, 224, 224, 3});
//   {
//     auto scope = b.scope("stem");
//     x = b.relu6(b.batch_norm(b.conv(x, 32, 3, 2)));
//   }
//   x = b.fc(b.global_avg_pool(x), 1000);
//   ir::Graph g = b.finish({x});
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::ir {

struct ConvOptions {
  int groups = 1;
  int dilation = 1;
  bool bias = false;
  Padding padding = Padding::Explicit;  // Explicit = symmetric (k-1)/2*dilation; Same; Valid
  int stride_w = 0;                     // 0 = same as stride (for non-square strides)
  int kernel_w = 0;                     // 0 = same as kernel (for non-square kernels)
};

class GraphBuilder {
 public:
  explicit GraphBuilder(std::string graph_name) : graph_(std::move(graph_name)) {}

  class Scope {
   public:
    Scope(GraphBuilder* b, std::string_view name);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    GraphBuilder* b_;
    size_t prev_len_;
  };
  // Prefixes the names of the nodes added while the returned object lives.
  [[nodiscard]] Scope scope(std::string_view name) { return Scope(this, name); }

  int input(Shape shape, std::string name = "input", DType dtype = DType::f32);
  int conv(int x, int out_channels, int kernel, int stride = 1, ConvOptions o = {}, std::string_view name = "");
  int depthwise(int x, int kernel, int stride = 1, ConvOptions o = {}, std::string_view name = "");
  int fc(int x, int units, bool bias = true, std::string_view name = "");
  int batch_norm(int x, float epsilon = 1e-5f, std::string_view name = "");
  int relu(int x, std::string_view name = "") { return unary(OpKind::Relu, x, name); }
  int relu6(int x, std::string_view name = "") { return unary(OpKind::Relu6, x, name); }
  int hardswish(int x, std::string_view name = "") { return unary(OpKind::HardSwish, x, name); }
  int hardsigmoid(int x, std::string_view name = "") { return unary(OpKind::HardSigmoid, x, name); }
  int sigmoid(int x, std::string_view name = "") { return unary(OpKind::Sigmoid, x, name); }
  int swish(int x, std::string_view name = "") { return unary(OpKind::Swish, x, name); }
  int zero(int x, std::string_view name = "") { return unary(OpKind::Zero, x, name); }
  int flatten(int x, std::string_view name = "") { return unary(OpKind::Flatten, x, name); }
  int global_avg_pool(int x, std::string_view name = "") { return unary(OpKind::GlobalAvgPool, x, name); }
  int activation(OpKind act, int x, std::string_view name = "") { return unary(act, x, name); }
  int add(std::vector<int> xs, std::string_view name = "");
  int mul(int a, int b, std::string_view name = "");
  int concat(std::vector<int> xs, int axis = -1, std::string_view name = "");
  // Pools with symmetric padding `pad` (PyTorch); avg excludes padding unless told otherwise.
  int avg_pool(int x, int kernel, int stride, int pad = 0, bool count_include_pad = false, std::string_view name = "");
  int max_pool(int x, int kernel, int stride, int pad = 0, std::string_view name = "");
  int reshape(int x, Shape target, std::string_view name = "");
  int softmax(int x, int axis = -1, std::string_view name = "");
  int pad(int x, int top, int left, int bottom, int right, float value = 0.0f, std::string_view name = "");
  int resize(int x, int out_h, int out_w, ResizeMode mode, bool align_corners = false, std::string_view name = "");
  // Any operator with explicit attributes.
  int node(OpKind op, std::vector<int> inputs, const Attrs& attrs, std::string_view name = "");

  const Shape& shape(int x) const { return graph_.node(x).shape; }
  int channels(int x) const { return static_cast<int>(shape(x)[shape(x).rank() - 1]); }
  const Graph& graph() const { return graph_; }
  Graph finish(std::vector<int> outputs);

 private:
  int unary(OpKind op, int x, std::string_view name);
  std::string full_name(OpKind op, std::string_view name);

  Graph graph_;
  std::string prefix_;  // "stage2.block1." while scoped
};

}  // namespace hwnas::ir
