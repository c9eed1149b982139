#include "hwnas/cost/kernel_features.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/op_traits.h"

namespace hwnas::cost {
namespace {

enum Feature {
  kInH,
  kInW,
  kCin,
  kOutH,
  kOutW,
  kCout,
  kKernel,
  kStride,
  kGroups,
  kMacs,
  kWeightElems,
  kBytesIn,
  kBytesOut,
  kWeightBytes,
  kInputs,
  kAnchorOp,
  kTailOp,
  kNodes,
  kDtypeBytes,
  kOutElems,
  kNumFeatures
};

// Height, width and channels of a tensor: NHWC for rank 4, [N, F] as 1 x 1 x F.
struct Hwc {
  int64_t h = 1, w = 1, c = 1;
};
Hwc hwc(const ir::Shape& s) {
  if (s.rank() == 4) return {s.h(), s.w(), s.c()};
  Hwc r;
  r.c = s.numel() / std::max<int64_t>(s.rank() > 0 ? s[0] : 1, 1);
  return r;
}

}  // namespace

const std::vector<std::string>& kernel_feature_names() {
  static const std::vector<std::string> names = {"in_h",         "in_w",     "cin",       "out_h",        "out_w",
                                                 "cout",         "kernel",   "stride",    "groups",       "macs",
                                                 "weight_elems", "bytes_in", "bytes_out", "weight_bytes", "inputs",
                                                 "anchor_op",    "tail_op",  "nodes",     "dtype_bytes",  "out_elems"};
  return names;
}

const std::vector<std::string>& kernel_groups() {
  static const std::vector<std::string> groups = [] {
    std::vector<std::string> out;
    for (int g = 0; g <= static_cast<int>(ir::KernelGroup::Data); ++g)
      out.emplace_back(ir::kernel_group_name(static_cast<ir::KernelGroup>(g)));
    return out;
  }();
  return groups;
}

std::string_view kernel_group(ir::OpKind op) { return ir::kernel_group_name(ir::traits(op).kernel_group); }

int kernel_feature_index(std::string_view name) {
  const auto& names = kernel_feature_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) fail("kernel features", "no feature '{}' (features: {})", name, fmt::join(names, ", "));
  return static_cast<int>(it - names.begin());
}

double kernel_bytes(const std::vector<float>& v) {
  return static_cast<double>(v.at(kBytesIn)) + v.at(kBytesOut) + v.at(kWeightBytes);
}

KernelFeatures kernel_features(const ir::Graph& g, const ir::Stats& stats, const ir::Kernel& k, ir::DType dtype) {
  if (k.nodes.empty()) fail("kernel features", "kernel '{}' has no nodes", k.name);
  const ir::Node& anchor = g.node(k.nodes.front());
  const ir::Node& tail = g.node(k.nodes.back());
  std::vector<float> v(kNumFeatures, 0.0f);
  const int bytes = ir::dtype_bytes(dtype);

  // Tensors read from outside the kernel (each once) and the one it writes.
  std::vector<int> outside;
  for (int id : k.nodes)
    for (int in : g.node(id).inputs)
      if (std::find(k.nodes.begin(), k.nodes.end(), in) == k.nodes.end() &&
          std::find(outside.begin(), outside.end(), in) == outside.end())
        outside.push_back(in);
  int64_t in_elems = 0, macs = 0, weight_elems = 0, weight_bytes = 0;
  for (int in : outside) in_elems += g.node(in).shape.numel();
  for (int id : k.nodes) {
    const ir::NodeStats& s = stats.nodes.at(id);
    macs += s.macs;
    weight_elems += s.kernel_elems + s.bias_elems + s.scale_elems;
    weight_bytes += s.weight_bytes(dtype);
  }
  const Hwc in = anchor.inputs.empty() ? Hwc{} : hwc(g.node(anchor.inputs.front()).shape);
  const Hwc out = hwc(tail.shape);
  v[kInH] = static_cast<float>(in.h);
  v[kInW] = static_cast<float>(in.w);
  v[kCin] = static_cast<float>(in.c);
  v[kOutH] = static_cast<float>(out.h);
  v[kOutW] = static_cast<float>(out.w);
  v[kCout] = static_cast<float>(out.c);
  const uint32_t fields = ir::attr_fields(anchor.op);
  if (fields & ir::kKernel) v[kKernel] = static_cast<float>(anchor.attrs.kernel_h);
  if (fields & ir::kStride) v[kStride] = static_cast<float>(anchor.attrs.stride_h);
  if (fields & ir::kGroups) v[kGroups] = static_cast<float>(anchor.attrs.groups);
  v[kMacs] = static_cast<float>(macs);
  v[kWeightElems] = static_cast<float>(weight_elems);
  v[kBytesIn] = static_cast<float>(in_elems * bytes);
  v[kBytesOut] = static_cast<float>(tail.shape.numel() * bytes);
  v[kWeightBytes] = static_cast<float>(weight_bytes);
  v[kInputs] = static_cast<float>(outside.size());
  v[kAnchorOp] = static_cast<float>(anchor.op);
  // The last activation fused into the kernel (0: none); a folded batch_norm is not one.
  for (int id : k.nodes)
    if (id != k.nodes.front() && ir::is_activation(g.node(id).op)) v[kTailOp] = static_cast<float>(g.node(id).op);
  v[kNodes] = static_cast<float>(k.nodes.size());
  v[kDtypeBytes] = static_cast<float>(bytes);
  v[kOutElems] = static_cast<float>(tail.shape.numel());

  KernelFeatures f;
  f.group = std::string(kernel_group(anchor.op));
  f.key = fmt::format("{}|{}|{}", k.type, ir::dtype_name(dtype), fmt::join(v, ","));
  f.values = std::move(v);
  return f;
}

double weight_mib(const ir::Graph& g, const ir::FusionRules& rules, ir::DType dtype) {
  static const int weight_bytes = kernel_feature_index("weight_bytes");
  const ir::Stats stats = ir::compute_stats(g);
  double bytes = 0;
  for (const ir::Kernel& k : ir::split_kernels(g, rules))
    bytes += kernel_features(g, stats, k, dtype).values[weight_bytes];
  return bytes / (1024.0 * 1024.0);
}

}  // namespace hwnas::cost
