// The text helpers of emit.h.
#include <fmt/format.h>

#include "emit.h"

namespace hwnas::codegen::detail {

std::string c_list(std::span<const int64_t> v, int per_line) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i % per_line == 0) s += "\n  ";
    s += fmt::format("{}{}", v[i], i + 1 < v.size() ? ", " : "");
  }
  return s + "\n}";
}

std::string Op::signature() const {
  // noinline: each operator compiled on its own, with its constants, is what the per-operator
  // instruction counts measure; inlined into invoke, GCC's register allocation over eleven
  // loop nests was worse.
  std::string s = fmt::format("/* {} '{}' */\nstatic __attribute__((noinline)) void {}(", ir::op_name(node().op),
                              node().name, fn);
  for (size_t k = 0; k < node().inputs.size(); ++k) s += fmt::format("const int8_t* x{}, ", k);
  return s + "int8_t* y) {\n";
}

namespace {
template <typename T>
std::string add_array(Op& op, std::string_view what, std::string_view type, std::span<const T> v, int64_t elem_bytes) {
  const std::string name = fmt::format("{}_{}", op.fn, what);
  const std::vector<int64_t> wide(v.begin(), v.end());
  // An empty array is not C; a one-element placeholder keeps the name valid.
  op.consts += fmt::format("static const {} {}[{}] = {};\n", type, name, std::max<size_t>(v.size(), 1),
                           v.empty() ? std::string("{0}") : c_list(wide, type == "int8_t" ? 24 : 8));
  op.const_bytes += static_cast<int64_t>(v.size()) * elem_bytes;
  return name;
}
}  // namespace

std::string Op::array(std::string_view what, std::string_view type, std::span<const int8_t> v) {
  return add_array(*this, what, type, v, 1);
}
std::string Op::array(std::string_view what, std::string_view type, std::span<const int32_t> v) {
  return add_array(*this, what, type, v, 4);
}

std::pair<std::string, std::string> Op::multipliers(std::span<const quant::Multiplier> ms) {
  std::vector<int32_t> value, shift;
  for (const quant::Multiplier& mu : ms) {
    value.push_back(mu.value);
    shift.push_back(mu.shift);
  }
  return {array("mult", "int32_t", value), array("shift", "int8_t", std::vector<int8_t>(shift.begin(), shift.end()))};
}

}  // namespace hwnas::codegen::detail
