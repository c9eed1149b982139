#pragma once
// runtime::Weights: the learned tensors of a graph, named by node and role, in the training
// form (BatchNorm keeps gamma, beta and running statistics; fold.h makes the inference form).
//
// Roles and layouts (NHWC, as XNNPACK and TFLite store them):
//   conv2d            kernel [Cout, kh, kw, Cin/groups]   bias [Cout] (if attrs.bias)
//   depthwise_conv2d  kernel [1, kh, kw, C*multiplier]    bias [C*multiplier] (if attrs.bias)
//   fully_connected   kernel [units, in_features]          bias [units] (if attrs.bias)
//                     (in_features in NHWC flattening order)
//   batch_norm        gamma, beta, mean, var: [C]
//
//   runtime::Weights w = runtime::init_weights(graph, {.seed = 7});
//   runtime::save_weights("m.hwnasw", graph, w);
//   runtime::Weights back = runtime::load_weights("m.hwnasw", graph);  // checked against graph
//
// Initialisation is deterministic given the seed; each node draws from its own stream
// (Rng::fork(node id)), so weights of a node do not depend on how many values others drew.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/runtime/tensor.h"

namespace hwnas::runtime {

// role -> tensor, for one node.
using NodeWeights = std::map<std::string, Tensor>;

struct Weights {
  std::map<std::string, NodeWeights> nodes;  // node name -> its tensors

  const Tensor& at(const std::string& node, const std::string& role) const;  // Error if absent
  bool operator==(const Weights&) const = default;
};

// The (role, shape) pairs a node needs, in a fixed order; empty for ops without weights.
std::vector<std::pair<std::string, ir::Shape>> expected_weights(const ir::Graph& g, int node);

// Throws hwnas::Error naming the node (and role) when a tensor is missing, has the wrong
// shape, or names a node or role the graph does not have.
void check_weights(const ir::Graph& g, const Weights& w);

enum class InitScheme {
  // U(-b, b) with b = sqrt(6 / fan_in) (He et al. 2015, uniform form): keeps activations of
  // deep ReLU/Swish networks at unit scale, so numerics tests compare meaningful values.
  HeUniform,
  // PyTorch's default for Conv2d / Linear: kaiming_uniform_(a = sqrt(5)), i.e. b = 1/sqrt(fan_in),
  // and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  TorchDefault,
};

struct InitOptions {
  uint64_t seed = 0;
  InitScheme scheme = InitScheme::HeUniform;
  // BatchNorm: false gives PyTorch's fresh module (gamma 1, beta 0, mean 0, var 1); true draws
  // gamma U(0.5,1.5), beta U(-0.2,0.2), mean U(-0.2,0.2), var U(0.5,2) so that BN folding is
  // actually exercised by numerics tests.
  bool random_bn_stats = false;
};

Weights init_weights(const ir::Graph& g, const InitOptions& options = {});

// Weights for graph `to` that keep what `from` (weights of another graph with the same node
// names, e.g. before a repair or a mutation) has: a node whose tensors all have the shapes `to`
// needs takes them; every other node is initialised as init_weights(to, options) would.
// `carried` (optional) gets the number of nodes with weights taken over.
Weights carry_weights(const ir::Graph& to, const Weights& from, const InitOptions& options = {},
                      int* carried = nullptr);

// File format (version 1), all little-endian:
//   8 bytes  magic "HWNASWT\0"
//   u32      format version (1)
//   u64      length L of the JSON header
//   L bytes  JSON: {"graph": name, "tensors": [{"node", "role", "dtype": "f32", "shape": [...],
//                   "offset": bytes from the start of the data, "bytes": n}, ...]}
//   data     the tensors' f32 values, back to back
void save_weights(const std::filesystem::path& path, const ir::Graph& g, const Weights& w);
// Parses and validates the file, then check_weights() against `g`; errors name the file.
Weights load_weights(const std::filesystem::path& path, const ir::Graph& g);

}  // namespace hwnas::runtime
