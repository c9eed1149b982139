#pragma once
// Tensor shapes and element types. Shapes are NHWC for images ([N, H, W, C]) and [N, F] for
// features; rank is at most 4, so a Shape is a small value type that never allocates
// (a search decodes millions of graphs).
//
//   ir::Shape s{1, 224, 224, 3};
//   s.numel();   // 150528
//   s.str();     // "[1,224,224,3]"
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace hwnas::ir {

enum class DType : uint8_t { f32, f16, i8, i32 };

std::string_view dtype_name(DType t);                    // "f32", "f16", "int8", "int32"
std::optional<DType> dtype_from_name(std::string_view);  // also accepts "i8", "float32", ...
int dtype_bytes(DType t);

struct Shape {
  static constexpr int kMaxRank = 4;

  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);  // throws if more than kMaxRank dims

  int rank() const { return rank_; }
  int64_t operator[](int i) const { return dims_[i]; }
  int64_t& operator[](int i) { return dims_[i]; }
  void push_back(int64_t d);  // throws if full
  int64_t numel() const;

  // NHWC accessors, for rank-4 shapes.
  int64_t n() const { return dims_[0]; }
  int64_t h() const { return dims_[1]; }
  int64_t w() const { return dims_[2]; }
  int64_t c() const { return dims_[3]; }

  std::string str() const;  // "[1,224,224,3]"
  bool operator==(const Shape& o) const;

 private:
  std::array<int64_t, kMaxRank> dims_{};
  int rank_ = 0;
};

}  // namespace hwnas::ir
