#include "onnx_constants.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <iterator>
#include <numeric>
#include <set>

#include "hwnas/core/error.h"

namespace hwnas::interop::onnx_import_detail {
namespace {

template <typename T>
std::vector<T> from_raw(const std::string& raw, size_t count, const std::string& where) {
  if (raw.size() != count * sizeof(T))
    fail(where, "raw_data holds {} bytes, its dims need {}", raw.size(), count * sizeof(T));
  std::vector<T> out(count);
  if (count) std::memcpy(out.data(), raw.data(), raw.size());  // ONNX raw data is little-endian, as this host
  return out;
}

int64_t attr_int(const onnx::NodeProto& n, const char* name, int64_t fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.i();
  return fallback;
}

std::optional<std::vector<int64_t>> attr_ints(const onnx::NodeProto& n, const char* name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return std::vector<int64_t>(a.ints().begin(), a.ints().end());
  return std::nullopt;
}

Constant ints_constant(std::vector<int64_t> values, std::vector<int64_t> dims) {
  Constant c;
  c.is_int = true;
  c.i = std::move(values);
  c.dims = std::move(dims);
  return c;
}

int64_t normalise_axis(int64_t axis, int64_t rank, const std::string& where) {
  if (axis < -rank || axis >= rank) fail(where, "axis {} is out of range for rank {}", axis, rank);
  return axis < 0 ? axis + rank : axis;
}

// Element-wise arithmetic with the broadcasts shape subgraphs use: equal sizes or one side a
// single value.
Constant arithmetic(const std::string& op, const Constant& a, const Constant& b, const std::string& where) {
  const size_t n = std::max(a.size(), b.size());
  if (a.size() != n && a.size() != 1)
    fail(where, "{} of {} and {} values: only equal sizes or a scalar fold", op, a.size(), b.size());
  if (b.size() != n && b.size() != 1)
    fail(where, "{} of {} and {} values: only equal sizes or a scalar fold", op, a.size(), b.size());
  Constant out;
  out.dims = a.size() == n ? a.dims : b.dims;
  out.is_int = a.is_int && b.is_int;
  for (size_t k = 0; k < n; ++k) {
    const double x = a.at(a.size() == 1 ? 0 : k), y = b.at(b.size() == 1 ? 0 : k);
    if (out.is_int) {
      const int64_t p = a.i[a.size() == 1 ? 0 : k], q = b.i[b.size() == 1 ? 0 : k];
      int64_t r = 0;
      bool overflow = false;
      if (op == "Add") overflow = __builtin_add_overflow(p, q, &r);
      else if (op == "Sub") overflow = __builtin_sub_overflow(p, q, &r);
      else if (op == "Mul") overflow = __builtin_mul_overflow(p, q, &r);
      else if (q == 0) fail(where, "integer division by zero");
      else if (p == INT64_MIN && q == -1) overflow = true;
      else r = p / q;
      if (overflow) fail(where, "{} of {} and {} overflows 64-bit integers", op, p, q);
      out.i.push_back(r);
    } else {
      out.f.push_back(static_cast<float>(op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y));
    }
  }
  return out;
}

const Constant& need(const std::vector<const Constant*>& in, size_t k, const std::string& where) {
  if (k >= in.size() || !in[k]) fail(where, "input {} is missing", k);
  return *in[k];
}

Constant gather(const onnx::NodeProto& n, const std::vector<const Constant*>& in, const std::string& where) {
  const Constant& data = need(in, 0, where);
  const Constant& idx = need(in, 1, where);
  if (data.dims.size() != 1 || normalise_axis(attr_int(n, "axis", 0), 1, where) != 0)
    fail(where, "only a Gather from a rank-1 constant folds (shape subgraphs); this one has rank {}", data.dims.size());
  Constant out;
  out.is_int = data.is_int;
  out.dims = idx.dims;
  const auto size = static_cast<int64_t>(data.size());
  for (const int64_t i : idx.ints()) {
    const int64_t k = i < 0 ? i + size : i;
    if (k < 0 || k >= size) fail(where, "index {} is out of range for {} values", i, size);
    if (data.is_int) out.i.push_back(data.i[static_cast<size_t>(k)]);
    else out.f.push_back(data.f[static_cast<size_t>(k)]);
  }
  return out;
}

// Visits every index of `dims` in row-major order.
template <typename F>
void for_each_index(const std::vector<int64_t>& dims, F&& f) {
  std::vector<int64_t> idx(dims.size(), 0);
  for (const int64_t d : dims)
    if (d == 0) return;
  while (true) {
    f(idx);
    int k = static_cast<int>(dims.size()) - 1;
    for (; k >= 0 && ++idx[static_cast<size_t>(k)] == dims[static_cast<size_t>(k)]; --k)
      idx[static_cast<size_t>(k)] = 0;
    if (k < 0) return;
  }
}

int64_t flat_index(const std::vector<int64_t>& dims, const std::vector<int64_t>& idx) {
  int64_t flat = 0;
  for (size_t k = 0; k < dims.size(); ++k) flat = flat * dims[k] + idx[k];
  return flat;
}

void push_from(Constant& out, const Constant& in, int64_t flat) {
  if (in.is_int) out.i.push_back(in.i[static_cast<size_t>(flat)]);
  else out.f.push_back(in.f[static_cast<size_t>(flat)]);
}

Constant slice(const onnx::NodeProto& n, const std::vector<const Constant*>& in, const std::string& where) {
  const Constant& data = need(in, 0, where);
  const auto rank = static_cast<int64_t>(data.dims.size());
  if (rank == 0) fail(where, "slices a scalar");
  // opset 10 moved starts/ends/axes/steps from attributes to inputs.
  const bool inputs = in.size() > 1;
  const auto starts = inputs ? need(in, 1, where).ints() : attr_ints(n, "starts").value_or(std::vector<int64_t>{});
  const auto ends = inputs ? need(in, 2, where).ints() : attr_ints(n, "ends").value_or(std::vector<int64_t>{});
  std::vector<int64_t> axes = inputs ? (in.size() > 3 && in[3] ? in[3]->ints() : std::vector<int64_t>{})
                                     : attr_ints(n, "axes").value_or(std::vector<int64_t>{});
  const std::vector<int64_t> steps = in.size() > 4 && in[4] ? in[4]->ints() : std::vector<int64_t>(starts.size(), 1);
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    fail(where, "starts, ends, axes and steps differ in length");
  std::vector<int64_t> begin(static_cast<size_t>(rank), 0), step(static_cast<size_t>(rank), 1), out_dims = data.dims;
  for (size_t k = 0; k < starts.size(); ++k) {
    const auto a = static_cast<size_t>(normalise_axis(axes[k], rank, where));
    const int64_t size = data.dims[a], st = steps[k];
    if (st == 0) fail(where, "has a zero step");
    auto clamp = [&](int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v < 0 ? v + size : v, lo), hi); };
    const int64_t b = st > 0 ? clamp(starts[k], 0, size) : clamp(starts[k], -1, size - 1);
    const int64_t e = st > 0 ? clamp(ends[k], 0, size) : clamp(ends[k], -1, size - 1);
    begin[a] = b;
    step[a] = st;
    out_dims[a] = st > 0 ? std::max<int64_t>(0, (e - b + st - 1) / st) : std::max<int64_t>(0, (b - e - st - 1) / -st);
  }
  Constant out;
  out.is_int = data.is_int;
  out.dims = out_dims;
  for_each_index(out_dims, [&](const std::vector<int64_t>& idx) {
    std::vector<int64_t> src(idx.size());
    for (size_t k = 0; k < idx.size(); ++k) src[k] = begin[k] + idx[k] * step[k];
    push_from(out, data, flat_index(data.dims, src));
  });
  return out;
}

Constant transpose(const onnx::NodeProto& n, const std::vector<const Constant*>& in, const std::string& where) {
  const Constant& data = need(in, 0, where);
  const auto rank = static_cast<int64_t>(data.dims.size());
  std::vector<int64_t> perm = attr_ints(n, "perm").value_or(std::vector<int64_t>{});
  if (perm.empty())
    for (int64_t k = rank - 1; k >= 0; --k) perm.push_back(k);
  if (static_cast<int64_t>(perm.size()) != rank) fail(where, "perm has {} entries for rank {}", perm.size(), rank);
  Constant out;
  out.is_int = data.is_int;
  for (const int64_t p : perm) out.dims.push_back(data.dims[static_cast<size_t>(normalise_axis(p, rank, where))]);
  for_each_index(out.dims, [&](const std::vector<int64_t>& idx) {
    std::vector<int64_t> src(idx.size());
    for (size_t k = 0; k < idx.size(); ++k) src[static_cast<size_t>(perm[k])] = idx[k];
    push_from(out, data, flat_index(data.dims, src));
  });
  return out;
}

Constant concat(const std::vector<const Constant*>& in, const std::string& where) {
  Constant out;
  if (in.empty()) fail(where, "has no inputs");
  out.is_int = need(in, 0, where).is_int;
  for (size_t k = 0; k < in.size(); ++k) {
    const Constant& c = need(in, k, where);
    if (c.dims.size() > 1)
      fail(where, "only rank-1 constants concatenate when folded; input {} has rank {}", k, c.dims.size());
    // ints() range-checks floats: a mixed concat must not convert an out-of-range value.
    if (out.is_int) std::ranges::copy(c.ints(), std::back_inserter(out.i));
    else std::ranges::copy(c.floats(), std::back_inserter(out.f));
  }
  out.dims = {static_cast<int64_t>(out.size())};
  return out;
}

// Unsqueeze/Squeeze/Reshape of a constant: the values stay, the dims change.
Constant redim(const onnx::NodeProto& n, const std::vector<const Constant*>& in, const std::string& where) {
  Constant out = need(in, 0, where);
  const std::string& op = n.op_type();
  if (op == "Reshape") {
    std::vector<int64_t> dims = need(in, 1, where).ints();
    int64_t known = 1, infer = -1;
    for (size_t k = 0; k < dims.size(); ++k) {
      if (dims[k] == 0 && k < out.dims.size()) dims[k] = out.dims[k];
      if (dims[k] == -1) infer = static_cast<int64_t>(k);
      else known = checked_mul(known, dims[k], where);
    }
    if (infer >= 0 && known > 0) dims[static_cast<size_t>(infer)] = static_cast<int64_t>(out.size()) / known;
    out.dims = dims;
  } else {
    // opset 13 moved axes from an attribute to an input.
    std::vector<int64_t> axes =
        in.size() > 1 && in[1] ? in[1]->ints() : attr_ints(n, "axes").value_or(std::vector<int64_t>{});
    if (op == "Unsqueeze") {
      const auto rank = static_cast<int64_t>(out.dims.size() + axes.size());
      std::set<int64_t> at;
      for (const int64_t a : axes) at.insert(normalise_axis(a, rank, where));
      std::vector<int64_t> dims;
      for (int64_t k = 0, src = 0; k < rank; ++k)
        dims.push_back(at.count(k) ? 1 : out.dims[static_cast<size_t>(src++)]);
      out.dims = dims;
    } else {  // Squeeze
      std::vector<int64_t> dims;
      const auto rank = static_cast<int64_t>(out.dims.size());
      std::set<int64_t> at;
      for (const int64_t a : axes) at.insert(normalise_axis(a, rank, where));
      for (int64_t k = 0; k < rank; ++k)
        if (!(axes.empty() ? out.dims[static_cast<size_t>(k)] == 1 : at.count(k) > 0))
          dims.push_back(out.dims[static_cast<size_t>(k)]);
      out.dims = dims;
    }
  }
  if (out.numel() != static_cast<int64_t>(out.size()))
    fail(where, "the new dims do not hold the {} values", out.size());
  return out;
}

Constant cast(const onnx::NodeProto& n, const std::vector<const Constant*>& in, const std::string& where) {
  const Constant& c = need(in, 0, where);
  const int64_t to = attr_int(n, "to", onnx::TensorProto::FLOAT);
  Constant out;
  out.dims = c.dims;
  if (to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE) {
    out.f = c.floats();
  } else if (to == onnx::TensorProto::INT64 || to == onnx::TensorProto::INT32 || to == onnx::TensorProto::BOOL) {
    out.is_int = true;
    out.i = c.ints();
  } else {
    fail(where, "a Cast to data type {} does not fold: only float, double, int32, int64 and bool", to);
  }
  return out;
}

}  // namespace

int64_t checked_mul(int64_t a, int64_t b, const std::string& where) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) fail(where, "dimensions {} x {} overflow 64-bit integers", a, b);
  return r;
}

int64_t Constant::numel() const {
  int64_t n = 1;
  for (const int64_t d : dims) n = checked_mul(n, d, "a constant's dims");
  return n;
}

std::vector<int64_t> Constant::ints() const {
  if (is_int) return i;
  std::vector<int64_t> out;
  for (const float v : f) {
    // Beyond +-2^62 (or NaN) a float is no shape or index; converting it would be undefined.
    if (!(std::fabs(v) < 4.6e18f)) fail("a float constant", "value {} does not fit a 64-bit integer", v);
    out.push_back(static_cast<int64_t>(v));
  }
  return out;
}

std::vector<float> Constant::floats() const {
  if (!is_int) return f;
  return std::vector<float>(i.begin(), i.end());
}

Constant read_tensor(const onnx::TensorProto& t, const std::string& where) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    fail(where,
         "keeps its data in an external file, which hwnas does not read; export the model with its weights inside "
         "(torch.onnx.export does so below 2 GB)");
  Constant c;
  int64_t count = 1;
  for (const int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && count > (int64_t{1} << 40) / d)) fail(where, "has an invalid dimension {}", d);
    c.dims.push_back(d);
    count *= d;
  }
  const auto n = static_cast<size_t>(count);
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      c.f = raw ? from_raw<float>(t.raw_data(), n, where)
                : std::vector<float>(t.float_data().begin(), t.float_data().end());
      break;
    case onnx::TensorProto::DOUBLE: {
      const auto d = raw ? from_raw<double>(t.raw_data(), n, where)
                         : std::vector<double>(t.double_data().begin(), t.double_data().end());
      c.f.assign(d.begin(), d.end());
      break;
    }
    case onnx::TensorProto::INT64:
      c.is_int = true;
      c.i = raw ? from_raw<int64_t>(t.raw_data(), n, where)
                : std::vector<int64_t>(t.int64_data().begin(), t.int64_data().end());
      break;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::BOOL: {
      c.is_int = true;
      if (raw && t.data_type() == onnx::TensorProto::BOOL) {
        const auto b = from_raw<uint8_t>(t.raw_data(), n, where);
        c.i.assign(b.begin(), b.end());
      } else {
        const auto v = raw ? from_raw<int32_t>(t.raw_data(), n, where)
                           : std::vector<int32_t>(t.int32_data().begin(), t.int32_data().end());
        c.i.assign(v.begin(), v.end());
      }
      break;
    }
    default:
      fail(where, "has data type {}; hwnas reads float, double, int32, int64 and bool tensors (re-export in float32)",
           t.data_type());
  }
  if (c.size() != n) fail(where, "holds {} values, its dims {} need {}", c.size(), t.dims_size(), n);
  return c;
}

Constant constant_node_value(const onnx::NodeProto& node, const std::string& where) {
  for (const auto& a : node.attribute()) {
    if (a.name() == "value") return read_tensor(a.t(), where);
    if (a.name() == "value_float") return Constant{{}, false, {a.f()}, {}};
    if (a.name() == "value_int") return ints_constant({a.i()}, {});
    if (a.name() == "value_floats") {
      Constant c{{a.floats_size()}, false, {a.floats().begin(), a.floats().end()}, {}};
      return c;
    }
    if (a.name() == "value_ints") return ints_constant({a.ints().begin(), a.ints().end()}, {a.ints_size()});
  }
  fail(where, "a Constant needs a value, value_float(s) or value_int(s) attribute");
}

bool foldable(const std::string& op) {
  static const std::set<std::string> kOps = {
      "Gather", "Unsqueeze", "Squeeze",  "Concat",          "Cast",  "Add",  "Sub",      "Mul", "Div",
      "Slice",  "Reshape",   "Identity", "ConstantOfShape", "Floor", "Ceil", "Transpose"};
  return kOps.count(op) > 0;
}

Constant fold(const onnx::NodeProto& node, const std::vector<const Constant*>& inputs, const std::string& where) {
  const std::string& op = node.op_type();
  if (op == "Gather") return gather(node, inputs, where);
  if (op == "Slice") return slice(node, inputs, where);
  if (op == "Transpose") return transpose(node, inputs, where);
  if (op == "Concat") return concat(inputs, where);
  if (op == "Cast") return cast(node, inputs, where);
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape") return redim(node, inputs, where);
  if (op == "Identity") return need(inputs, 0, where);
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div")
    return arithmetic(op, need(inputs, 0, where), need(inputs, 1, where), where);
  if (op == "Floor" || op == "Ceil") {
    Constant c = need(inputs, 0, where);
    for (float& v : c.f) v = op == "Floor" ? std::floor(v) : std::ceil(v);
    return c;
  }
  if (op == "ConstantOfShape") {
    const std::vector<int64_t> dims = need(inputs, 0, where).ints();
    Constant value{{}, false, {0.0f}, {}};
    for (const auto& a : node.attribute())
      if (a.name() == "value") value = read_tensor(a.t(), where);
    if (value.size() != 1) fail(where, "a ConstantOfShape value must hold one element");
    Constant out;
    out.dims = dims;
    out.is_int = value.is_int;
    const int64_t n = out.numel();
    if (n < 0 || n > (int64_t{1} << 24)) fail(where, "a ConstantOfShape of {} elements is too large to fold", n);
    if (out.is_int) out.i.assign(static_cast<size_t>(n), value.i[0]);
    else out.f.assign(static_cast<size_t>(n), value.f[0]);
    return out;
  }
  fail(where, "{} does not fold", op);
}

}  // namespace hwnas::interop::onnx_import_detail
