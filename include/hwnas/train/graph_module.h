#pragma once
// train::GraphModule: any ir::Graph as a trainable libtorch module. One torch parameter per IR
// weight tensor, in the hwnas layout of runtime/weights.h (conv [Cout,kh,kw,Cin/g], depthwise
// [1,kh,kw,C*m], FC [units, in_features in NHWC order]); BatchNorm is a real batch norm whose
// gamma and beta are parameters and whose running mean and variance are buffers. So
// num_parameters() == ir::compute_stats(g).params, weights() is exactly what save_weights()
// takes, and a gradient is reported per IR tensor under the name "<node name>.<role>"
// (named_parameters(); the dots of a node name become nested submodules, which is how torch
// spells a dotted name).
//
// Input and output are NHWC like every hwnas backend; inside, rank-4 tensors run NCHW (the
// mapping of interop/nchw.h, as the torch inference backend does). The batch size is free:
// the graph's N (1) is replaced by the input's.
//
//   train::GraphModule m(graph, /*seed=*/7);            // runtime::init_weights(g, {7, TorchDefault})
//   m.train();                                          // batch statistics, running stats updated
//   torch::Tensor logits = m.forward(x_nhwc);           // [N, K]
//   runtime::save_weights("m.hwnasw", graph, m.weights());
//
// This header includes libtorch: include it only from src/train/ and tests (a TU that does
// compiles for most of a minute); trainer.h is the torch-free interface for everything else.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <torch/torch.h>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::train {

// A change to GraphModule's forward pass, node by node, without a second copy of the graph walk:
// train/fake_quant.h simulates int8 inference with it (BatchNorm folded into the layer's weights,
// weights and activations fake-quantized). The default changes nothing.
class ForwardHook {
 public:
  virtual ~ForwardHook() = default;
  // Called once at the start of each forward, before any node runs (e.g. to fold and quantize weights).
  virtual void begin() {}
  // What a node with weights computes with instead of its own tensors.
  struct Layer {
    bool identity = false;       // output = input (a batch_norm folded into its producer)
    torch::Tensor kernel, bias;  // conv/depthwise/FC: this kernel (hwnas layout) and bias (may be undefined);
                                 // batch_norm: y = x * kernel[c] + bias[c] (its inference form)
  };
  virtual Layer layer(int /*node*/) { return {}; }
  // Node `node`'s output (NCHW when rank 4), the graph input included, as the rest of the graph reads it.
  virtual torch::Tensor output(int /*node*/, const torch::Tensor& y) { return y; }
};

class GraphModule : public torch::nn::Module {
 public:
  explicit GraphModule(const ir::Graph& g, uint64_t seed = 0);  // runtime::init_weights(g,{seed, TorchDefault})
  GraphModule(const ir::Graph& g, const runtime::Weights& w);

  // [N,H,W,C] float -> the graph's first output ([N,K] logits for classifiers; NHWC for rank 4).
  torch::Tensor forward(const torch::Tensor& x_nhwc);
  // The same forward, also appending the output of every activation node (ir::is_activation:
  // relu, relu6, hardswish, hardsigmoid, sigmoid, swish), in graph order, to *activations
  // (NHWC for rank 4). activations may be null.
  torch::Tensor forward(const torch::Tensor& x_nhwc, std::vector<torch::Tensor>* activations);
  // Every output of the graph, in graph order (SSDLite has two).
  std::vector<torch::Tensor> forward_all(const torch::Tensor& x_nhwc,
                                         std::vector<torch::Tensor>* activations = nullptr);
  // Forwards go through `hook` (not owned; null: none) until it is changed.
  void set_hook(ForwardHook* hook) { hook_ = hook; }

  // The torch tensor of IR weight `role` of node `node` (a parameter, or a BatchNorm buffer);
  // undefined when the node has none.
  torch::Tensor tensor(int node, std::string_view role) const;

  runtime::Weights weights() const;      // training form, hwnas layouts: save_weights() takes it
  void load(const runtime::Weights& w);  // check_weights() first; copies values in place
  int64_t num_parameters() const;
  const ir::Graph& graph() const { return g_; }

  // The parameters that take weight decay (conv and FC kernels) and those that do not (biases,
  // BatchNorm gamma and beta), as optimizers are usually set up.
  std::vector<torch::Tensor> decayed_parameters() const;
  std::vector<torch::Tensor> undecayed_parameters() const;

 private:
  struct Slot {  // one IR weight tensor
    int node = 0;
    std::string role;
    torch::Tensor t;  // a parameter, or a buffer (BatchNorm mean and var)
  };
  struct NodeState {  // per node: its tensors and what forward needs precomputed
    torch::Tensor kernel, bias, gamma, beta, mean, var;
    torch::Tensor index_h, index_w;  // nearest resize
    torch::Tensor pool_scale;        // avg pool, asymmetric pads, padding excluded
    std::vector<int64_t> pad;        // explicit pad (left, right, top, bottom); empty: none
    std::vector<int64_t> sym_pad;    // symmetric padding passed to the kernel itself
  };

  void build(const runtime::Weights& w);
  torch::nn::Module& owner_of(const std::string& node_name);  // nested submodules along the dots
  torch::Tensor run(int id, const std::vector<torch::Tensor>& values);
  torch::Tensor reshape(int id, const torch::Tensor& x) const;

  ir::Graph g_;
  std::vector<bool> live_;
  std::vector<NodeState> state_;
  std::vector<Slot> slots_;
  std::vector<std::shared_ptr<torch::nn::Module>> owners_;  // keeps the nested containers alive
  ForwardHook* hook_ = nullptr;
};

}  // namespace hwnas::train
