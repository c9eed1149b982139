#include "hwnas/runtime/npy.h"

#include <bit>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::runtime {
namespace {

static_assert(std::endian::native == std::endian::little, "npy '<f4' data is read by memcpy");

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes + NUL

// Value of `key` in the header dict, e.g. 'descr': '<f4' -> "'<f4'". A plain scan rather than
// std::regex: libstdc++'s regex recurses once per character matched, and a header can hold
// 4 GiB (format 2), so a long value overflowed the stack.
std::string dict_value(std::string_view header, const std::string& key, const std::string& where) {
  const std::string quoted = "'" + key + "'";
  for (size_t at = header.find(quoted); at != std::string_view::npos; at = header.find(quoted, at + 1)) {
    size_t i = at + quoted.size();
    auto skip_space = [&] {
      while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
    };
    skip_space();
    if (i >= header.size() || header[i] != ':') continue;
    ++i;
    skip_space();
    if (i >= header.size()) break;
    const std::string_view rest = header.substr(i);
    if (rest.starts_with("True")) return "True";
    if (rest.starts_with("False")) return "False";
    const char close = rest[0] == '\'' ? '\'' : rest[0] == '(' ? ')' : 0;
    if (!close) continue;
    const size_t end = rest.find(close, 1);
    if (end != std::string_view::npos) return std::string(rest.substr(0, end + 1));
  }
  fail(where, "the .npy header has no '{}' entry", key);
}

Tensor transpose4(const Tensor& t, bool to_nhwc, const char* what) {
  if (t.shape.rank() != 4) fail(what, "needs a rank-4 tensor, got shape {}", t.shape.str());
  const int64_t a = t.shape[0], b = t.shape[1], c = t.shape[2], d = t.shape[3];
  // to NHWC: input [N,C,H,W] (a,b,c,d) -> [N,H,W,C]; to NCHW: input [N,H,W,C] -> [N,C,H,W].
  Tensor out(to_nhwc ? ir::Shape{a, c, d, b} : ir::Shape{a, d, b, c});
  for (int64_t n = 0; n < a; ++n)
    for (int64_t i = 0; i < b; ++i)
      for (int64_t j = 0; j < c; ++j)
        for (int64_t k = 0; k < d; ++k) {
          const float v = t.data[((n * b + i) * c + j) * d + k];
          if (to_nhwc)  // (n, ch=i, h=j, w=k) -> [n][j][k][i]
            out.data[((n * c + j) * d + k) * b + i] = v;
          else  // (n, h=i, w=j, ch=k) -> [n][k][i][j]
            out.data[((n * d + k) * b + i) * c + j] = v;
        }
  return out;
}

}  // namespace

Tensor read_npy(const std::filesystem::path& path) { return parse_npy(read_file(path), path.string()); }

Tensor parse_npy(std::string_view f, const std::string& where) {
  if (f.size() < 10 || f.compare(0, 6, kMagic, 6) != 0) fail(where, "not a .npy file (missing the \\x93NUMPY magic)");
  const int major = static_cast<unsigned char>(f[6]);
  size_t header_len = 0, start = 0;
  if (major == 1) {
    uint16_t len;
    std::memcpy(&len, f.data() + 8, 2);
    header_len = len, start = 10;
  } else if (major == 2 || major == 3) {
    if (f.size() < 12) fail(where, "truncated .npy header");
    uint32_t len;
    std::memcpy(&len, f.data() + 8, 4);
    header_len = len, start = 12;
  } else {
    fail(where, ".npy format version {} is not supported (1-3 are)", major);
  }
  if (start + header_len > f.size()) fail(where, "the .npy header runs past the end of the file");
  const std::string header(f.substr(start, header_len));
  const std::string descr = dict_value(header, "descr", where);
  if (descr != "'<f4'")
    fail(where, "holds dtype {}, expected float32 ('<f4'); convert with np.asarray(x, dtype=np.float32)",
         descr.size() > 40 ? descr.substr(0, 40) + "..." : descr);
  if (dict_value(header, "fortran_order", where) != "False")
    fail(where, "is in Fortran order; save a C-ordered array (np.ascontiguousarray)");
  const std::string dims = dict_value(header, "shape", where);
  // The dimensions, read with their product bounded: a shape such as (99999999999999999999,)
  // or (2**62, 4) is an error naming it, not an overflow or a huge allocation.
  constexpr uint64_t kMaxElements = uint64_t{1} << 40;
  const std::string too_large = fmt::format("has shape {}, more than 2^40 elements; is the header damaged?", dims);
  ir::Shape shape;
  uint64_t numel = 1;
  for (size_t i = 0; i < dims.size();) {
    if (dims[i] < '0' || dims[i] > '9') {
      ++i;
      continue;
    }
    uint64_t d = 0;
    for (; i < dims.size() && dims[i] >= '0' && dims[i] <= '9'; ++i) {
      d = d * 10 + static_cast<uint64_t>(dims[i] - '0');
      if (d > kMaxElements) fail(where, "{}", too_large);
    }
    if (shape.rank() == ir::Shape::kMaxRank) fail(where, "has shape {}; at most 4 dimensions are supported", dims);
    shape.push_back(static_cast<int64_t>(d));
    if (d != 0 && numel > kMaxElements / d) fail(where, "{}", too_large);
    numel *= d;
  }
  if (shape.rank() == 0) fail(where, "holds a scalar (shape ()); a tensor is needed");
  const size_t bytes = static_cast<size_t>(numel) * sizeof(float);
  const size_t data = start + header_len;
  if (f.size() - data != bytes)
    fail(where, "shape {} needs {} bytes of data, the file has {}", shape.str(), bytes, f.size() - data);
  Tensor t(shape);
  if (bytes > 0)
    std::memcpy(t.data.data(), f.data() + data, bytes);  // an empty tensor's data() may be null (UB in memcpy)
  return t;
}

void write_npy(const std::filesystem::path& path, const Tensor& t) {
  std::string dims;
  for (int i = 0; i < t.shape.rank(); ++i) dims += fmt::format("{}{}", i ? ", " : "", t.shape[i]);
  if (t.shape.rank() == 1) dims += ',';  // Python's one-element tuple, as numpy writes it
  std::string header = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", dims);
  // Pad with spaces and end in '\n' so that the data starts on a 64-byte boundary.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out(kMagic, 6);
  out += '\x01';
  out += '\x00';
  const uint16_t len = static_cast<uint16_t>(header.size());
  out.append(reinterpret_cast<const char*>(&len), 2);
  out += header;
  out.append(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(float));
  write_file_atomic(path, out);
}

Tensor nchw_to_nhwc(const Tensor& t) { return transpose4(t, true, "nchw_to_nhwc"); }
Tensor nhwc_to_nchw(const Tensor& t) { return transpose4(t, false, "nhwc_to_nchw"); }

}  // namespace hwnas::runtime
