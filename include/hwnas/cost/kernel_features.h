#pragma once
// What the kernel-level latency model (cost/kernel_model.h) knows about a kernel, nn-Meter
// style: its regressor group (the anchor op's family) and a fixed-length feature vector of
// shapes, hyper-parameters, MACs and bytes. The same function serves training (features of
// measured kernels) and prediction, so the two can never disagree. Features that do not apply
// to a kernel (the kernel size of an add) are 0.
//
//   std::vector<ir::Kernel> ks = ir::split_kernels(g, rules);
//   ir::Stats stats = ir::compute_stats(g);
//   cost::KernelFeatures f = cost::kernel_features(g, stats, ks[0], ir::DType::f32);
//   f.group;    // "conv"
//   f.values;   // {in_h, in_w, cin, out_h, out_w, cout, kernel, stride, groups, macs, ...}
//   f.key;      // "conv2d+batch_norm+relu6|112,112,32,..."  (equal keys: the same kernel)
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/ir/graph.h"
#include "hwnas/ir/kernels.h"
#include "hwnas/ir/stats.h"

namespace hwnas::cost {

struct KernelFeatures {
  std::string group;          // regressor group, see kernel_groups()
  std::vector<float> values;  // in the order of kernel_feature_names()
  std::string key;            // the kernel's signature: its op sequence, features and dtype
};

// "in_h", "in_w", "cin", "out_h", "out_w", "cout", "kernel", "stride", "groups", "macs",
// "weight_elems", "bytes_in", "bytes_out", "weight_bytes", "inputs", "anchor_op", "tail_op",
// "nodes", "dtype_bytes", "out_elems".
const std::vector<std::string>& kernel_feature_names();
// conv, depthwise, fc, add, mul, pool, global_pool, elementwise (activations, unfolded
// batch norm), data (concat, reshape, flatten, softmax, pad, resize, zero).
const std::vector<std::string>& kernel_groups();
std::string_view kernel_group(ir::OpKind anchor);

KernelFeatures kernel_features(const ir::Graph& g, const ir::Stats& stats, const ir::Kernel& k, ir::DType dtype);

// Index of a feature by name (throws naming the valid names).
int kernel_feature_index(std::string_view name);
// Bytes a kernel moves: activations read and written plus weights (from its feature values).
double kernel_bytes(const std::vector<float>& values);
// MiB of weights all kernels of g read (the kernel model's cold-weight term).
double weight_mib(const ir::Graph& g, const ir::FusionRules& rules, ir::DType dtype);

}  // namespace hwnas::cost
