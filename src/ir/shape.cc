#include "hwnas/ir/shape.h"

#include <stdexcept>

#include <fmt/format.h>

namespace hwnas::ir {

std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::f32:
      return "f32";
    case DType::f16:
      return "f16";
    case DType::i8:
      return "int8";
    case DType::i32:
      return "int32";
  }
  return "?";
}

std::optional<DType> dtype_from_name(std::string_view s) {
  if (s == "f32" || s == "float32" || s == "fp32") return DType::f32;
  if (s == "f16" || s == "float16" || s == "fp16") return DType::f16;
  if (s == "int8" || s == "i8" || s == "qs8") return DType::i8;
  if (s == "int32" || s == "i32") return DType::i32;
  return std::nullopt;
}

int dtype_bytes(DType t) {
  switch (t) {
    case DType::f32:
      return 4;
    case DType::f16:
      return 2;
    case DType::i8:
      return 1;
    case DType::i32:
      return 4;
  }
  return 4;
}

Shape::Shape(std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) push_back(d);
}

void Shape::push_back(int64_t d) {
  if (rank_ == kMaxRank) throw std::length_error("hwnas::ir::Shape holds at most 4 dimensions");
  dims_[rank_++] = d;
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int i = 0; i < rank_; ++i) n *= dims_[i];
  return n;
}

std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < rank_; ++i) s += (i ? "," : "") + std::to_string(dims_[i]);
  return s + "]";
}

bool Shape::operator==(const Shape& o) const {
  if (rank_ != o.rank_) return false;
  for (int i = 0; i < rank_; ++i)
    if (dims_[i] != o.dims_[i]) return false;
  return true;
}

}  // namespace hwnas::ir
