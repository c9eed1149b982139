#pragma once
// Zero-cost proxies: scores of an untrained network, computed from its initial weights and at
// most one batch, that rank architectures roughly as their trained accuracy does. One function
// per proxy, each on a ProxyNet (any libtorch module with a forward pass that can hand back its
// activations: a GraphModule through proxy_net(), or a hand-made net in the tests), and a
// name -> definition table. Deterministic for given weights and batch.
//
//   train::GraphModule m(graph, /*seed=*/1);
//   train::ProxyNet net = train::proxy_net(m);
//   double s = train::synflow(net, {1, 32, 32, 3});                  // data-free
//   train::ProxyBatch b = train::to_tensors(dataset_batch);          // x NHWC float, y int64
//   double n = train::naswot(net, b.x);
//   std::vector<double> all = train::score_proxies(m, {"synflow", "naswot", "snip"}, b);
//
// "Weights" below are the parameters of two or more dimensions (conv kernels and FC
// matrices), the layers zero-cost-nas scores (Conv2d and Linear weights); BatchNorm gamma and
// beta and biases are left out. Higher is better for every proxy.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "hwnas/data/dataset.h"
#include "hwnas/ir/graph.h"

namespace hwnas::train {

class GraphModule;

// What a proxy sees of a network: its parameters (module) and a forward pass over an NHWC
// batch returning [N, K] outputs; when `activations` is not null it also receives the output of
// every activation (ReLU-like) op, in execution order.
struct ProxyNet {
  torch::nn::Module* module = nullptr;
  std::function<torch::Tensor(const torch::Tensor& x, std::vector<torch::Tensor>* activations)> forward;
};

ProxyNet proxy_net(GraphModule& m);

struct ProxyBatch {
  torch::Tensor x;  // [N, H, W, C] float32
  torch::Tensor y;  // [N] int64 labels, in 0..K-1 of the network's K outputs
};
ProxyBatch to_tensors(const data::Batch& b);

// SynFlow (Tanaka et al. 2020, "Pruning neural networks without any data by iteratively
// conserving synaptic flow"): every parameter replaced by its absolute value, the network run in
// double precision on one all-ones input of `input_shape` ([1, H, W, C]), R = sum of the outputs,
// score = sum over weights of |theta * dR/dtheta|. BatchNorm is in eval mode, as Tanaka's pruning
// loop runs it (with fresh running statistics it only scales by 1/sqrt(1+eps)). The weights are
// restored afterwards.
double synflow(const ProxyNet& net, const std::vector<int64_t>& input_shape);

// NASWOT (Mellor et al. 2021, "Neural Architecture Search without Training", v2): the binary
// code c_i of example i is the concatenation of (a > 0) over every activation output a; the
// kernel K_H[i][j] = N_A - Hamming(c_i, c_j) (N_A: code length), i.e. agreements; score =
// log|det K_H| (slogdet). -inf when K_H is singular (e.g. two examples with the same code).
double naswot(const ProxyNet& net, const torch::Tensor& x);

// jacob_cov (Mellor et al. 2021 v1, as in Abdelfattah et al. 2021 "Zero-Cost Proxies for
// Lightweight NAS"): J_i = d(sum of outputs of example i)/d(input i), flattened; C = the
// correlation matrix of the rows J_i (numpy.corrcoef); score = -sum_k (log(v_k + 1e-5) +
// 1/(v_k + 1e-5)) over the eigenvalues v_k of C. -inf when some J_i is constant (the network
// does not see its input there), where the correlation is undefined.
double jacob_cov(const ProxyNet& net, const torch::Tensor& x);

// SNIP (Lee et al. 2019, as in Abdelfattah et al. 2021): L = mean cross-entropy of the batch
// (network in train mode), score = sum over weights of |theta * dL/dtheta|.
double snip(const ProxyNet& net, const ProxyBatch& batch);

// grad_norm (Abdelfattah et al. 2021): the same L, score = sum over weight tensors of the
// Euclidean (Frobenius) norm of dL/dW.
double grad_norm(const ProxyNet& net, const ProxyBatch& batch);

// params and macs (Abdelfattah et al. 2021 report both as baselines): ir::compute_stats's counts
// (DESIGN.md conventions), in millions.
double params_m(const ir::Graph& g);
double macs_m(const ir::Graph& g);

struct ProxyInfo {
  std::string name;        // "synflow", ...
  bool needs_data;         // reads the batch (naswot, jacob_cov, snip, grad_norm)
  std::string definition;  // one line, for --help and the CSV's sidecar
};
// synflow, naswot, jacob_cov, snip, grad_norm, params, macs. ("ensemble" is not here: it ranks
// a set of architectures by these, learn/rank_aggregation.h.)
const std::vector<ProxyInfo>& proxy_table();
const ProxyInfo& proxy_info(const std::string& name);  // Error listing the names

// The proxies `names` (from proxy_table()) of one network, in that order, sharing passes: one
// forward/backward for naswot and jacob_cov, one for snip and grad_norm, synflow last on a copy
// of the weights. `graph` gives params/macs and synflow's input shape.
std::vector<double> score_proxies(const ProxyNet& net, const ir::Graph& graph, const std::vector<std::string>& names,
                                  const ProxyBatch& batch);

}  // namespace hwnas::train
