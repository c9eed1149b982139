#include "hwnas/hw/op_support.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace hwnas::hw {
namespace {

bool contains(const std::vector<int>& v, int x) { return v.empty() || std::find(v.begin(), v.end(), x) != v.end(); }

// Why entry s does not accept node n at dtype t; "" when it does.
std::string mismatch(const OpSupport& s, const ir::Node& n, ir::DType t) {
  const uint32_t fields = ir::attr_fields(n.op);
  const ir::Attrs& a = n.attrs;
  if (fields & ir::kKernel) {
    if (!contains(s.kernels, a.kernel_h) || !contains(s.kernels, a.kernel_w)) {
      const std::string k =
          a.kernel_h == a.kernel_w ? std::to_string(a.kernel_h) : fmt::format("{}x{}", a.kernel_h, a.kernel_w);
      return fmt::format("kernel {} not in [{}]", k, fmt::join(s.kernels, ", "));
    }
  }
  if (fields & ir::kStride) {
    if (!contains(s.strides, a.stride_h) || !contains(s.strides, a.stride_w)) {
      const std::string st =
          a.stride_h == a.stride_w ? std::to_string(a.stride_h) : fmt::format("{}x{}", a.stride_h, a.stride_w);
      return fmt::format("stride {} not in [{}]", st, fmt::join(s.strides, ", "));
    }
  }
  if (!s.dtypes.empty() && std::find(s.dtypes.begin(), s.dtypes.end(), t) == s.dtypes.end()) {
    std::vector<std::string_view> names;
    for (ir::DType d : s.dtypes) names.push_back(ir::dtype_name(d));
    return fmt::format("{} not supported (only {})", ir::dtype_name(t), fmt::join(names, ", "));
  }
  const int64_t channels = n.shape.rank() > 0 ? n.shape[n.shape.rank() - 1] : 0;
  if (s.channel_alignment > 1 && channels % s.channel_alignment != 0)
    return fmt::format("{} output channels not a multiple of {}", channels, s.channel_alignment);
  if (s.max_channels > 0 && channels > s.max_channels)
    return fmt::format("{} output channels over the limit of {}", channels, s.max_channels);
  return "";
}

}  // namespace

const OpSupport* find_support(const Processor& p, const ir::Node& n, ir::DType t, std::string* reason) {
  if (reason) reason->clear();
  if (!p.ops) return nullptr;
  std::string first;
  bool any = false;
  for (const OpSupport& s : *p.ops) {
    if (s.op != n.op) continue;
    std::string why = mismatch(s, n, t);
    if (why.empty()) return &s;
    if (!any) first = std::move(why);
    any = true;
  }
  if (reason) *reason = any ? first : fmt::format("{} is not in {}'s operator set", ir::op_name(n.op), p.name);
  return nullptr;
}

bool accepts(const Processor& p, const ir::Node& n, ir::DType t, std::string* reason) {
  return !p.ops || find_support(p, n, t, reason) != nullptr;
}

bool runs_op(const Processor& p, ir::OpKind op) {
  if (!p.ops) return true;
  return std::any_of(p.ops->begin(), p.ops->end(), [&](const OpSupport& s) {
    return s.op == op ||
           std::find(s.fused_activations.begin(), s.fused_activations.end(), op) != s.fused_activations.end();
  });
}

std::string op_key(const ir::Node& n) {
  std::string key(ir::op_name(n.op));
  const uint32_t fields = ir::attr_fields(n.op);
  const ir::Attrs& a = n.attrs;
  if (fields & ir::kKernel)
    key += a.kernel_h == a.kernel_w ? fmt::format(" k{}", a.kernel_h) : fmt::format(" k{}x{}", a.kernel_h, a.kernel_w);
  if (fields & ir::kStride)
    key += a.stride_h == a.stride_w ? fmt::format(" s{}", a.stride_h) : fmt::format(" s{}x{}", a.stride_h, a.stride_w);
  return key;
}

}  // namespace hwnas::hw
