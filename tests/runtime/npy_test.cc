#include "hwnas/runtime/npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::runtime {
namespace {

using ::testing::ElementsAre;

TEST(Npy, WritesNumpysHeaderLayout) {
  // numpy.save of np.arange(6, dtype=np.float32).reshape(2, 3): "\x93NUMPY", version 1.0,
  // u16 header length, the dict padded with spaces to a 64-byte boundary, then '\n'.
  const auto path = hwnas::testing::temp_dir() / "a.npy";
  write_npy(path, Tensor({2, 3}, {0, 1, 2, 3, 4, 5}));
  const std::string f = read_file(path);
  EXPECT_EQ(f.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t header_len = static_cast<unsigned char>(f[8]) | static_cast<unsigned char>(f[9]) << 8;
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_EQ(f.substr(10, 61), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }  ");
  EXPECT_EQ(f[10 + header_len - 1], '\n');
  EXPECT_EQ(f.size(), 10 + header_len + 6 * 4);
  const Tensor back = read_npy(path);
  EXPECT_EQ(back.shape, (ir::Shape{2, 3}));
  EXPECT_THAT(back.data, ElementsAre(0, 1, 2, 3, 4, 5));
  write_npy(path, Tensor({3}, {1, 2, 3}));
  EXPECT_NE(read_file(path).find("'shape': (3,)"), std::string::npos);
  EXPECT_EQ(read_npy(path).shape, (ir::Shape{3}));
}

std::string npy_with_header(const std::string& dict, size_t data_bytes) {
  std::string h = dict;
  h.append((64 - (10 + h.size() + 1) % 64) % 64, ' ');
  h += '\n';
  std::string f("\x93NUMPY\x01\x00", 8);
  f += static_cast<char>(h.size() & 0xff);
  f += static_cast<char>(h.size() >> 8);
  return f + h + std::string(data_bytes, '\0');
}

TEST(Npy, ErrorsSayWhatTheFileHoldsAndHowToFixIt) {
  const auto dir = hwnas::testing::temp_dir();
  write_file_atomic(dir / "f8.npy", npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16));
  EXPECT_HWNAS_ERROR(read_npy(dir / "f8.npy"), "holds dtype '<f8', expected float32 ('<f4'); convert with np.asarray");
  write_file_atomic(dir / "fo.npy", npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16));
  EXPECT_HWNAS_ERROR(read_npy(dir / "fo.npy"), "Fortran order");
  write_file_atomic(dir / "short.npy",
                    npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 12));
  EXPECT_HWNAS_ERROR(read_npy(dir / "short.npy"), "shape [2,2] needs 16 bytes of data, the file has 12");
  write_file_atomic(dir / "big.npy",
                    npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }", 4));
  EXPECT_HWNAS_ERROR(read_npy(dir / "big.npy"), "at most 4 dimensions");
  write_file_atomic(dir / "txt.npy", "just text, not numpy");
  EXPECT_HWNAS_ERROR(read_npy(dir / "txt.npy"), "not a .npy file");
  EXPECT_HWNAS_ERROR(read_npy(dir / "none.npy"), "none.npy");
}

// Inputs found by fuzz/npy_fuzzer.cc: each once escaped as std::out_of_range (std::stoll on
// the dimension), signed overflow in the element count (UBSan), or a stack overflow
// (std::regex recursing over a 60,000-character value).
TEST(Npy, HostileHeadersAreErrors) {
  EXPECT_HWNAS_ERROR(
      parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", 0),
                "x.npy"),
      "x.npy: has shape (99999999999999999999999,), more than 2^40 elements");
  EXPECT_HWNAS_ERROR(
      parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4, 1), }", 0),
                "x.npy"),
      "more than 2^40 elements");
  EXPECT_HWNAS_ERROR(
      parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", 4), "x.npy"),
      "shape [1000000,1000000] needs 4000000000000 bytes of data, the file has 4");
  const std::string long_descr =
      "{'descr': '" + std::string(60000, 'a') + "', 'fortran_order': False, 'shape': (1,), }";
  std::string f("\x93NUMPY\x02\x00", 8);  // version 2: a u32 header length
  const uint32_t len = static_cast<uint32_t>(long_descr.size());
  f.append(reinterpret_cast<const char*>(&len), 4);
  f += long_descr + std::string(4, '\0');
  EXPECT_HWNAS_ERROR(parse_npy(f, "x.npy"), "holds dtype 'aaaa");
  // A zero-sized dimension is a valid empty tensor, as numpy writes it (its copy passed a null
  // pointer to memcpy: UBSan, fuzz/npy_fuzzer.cc).
  EXPECT_EQ(parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", 0), "e.npy").shape,
            (ir::Shape{0, 5}));
}

TEST(Layout, NchwNhwcTransposesByHand) {
  // NCHW [1,2,1,3]: channel 0 = 1 2 3, channel 1 = 4 5 6 -> NHWC [1,1,3,2] = (1,4)(2,5)(3,6)
  const Tensor nchw({1, 2, 1, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor nhwc = nchw_to_nhwc(nchw);
  EXPECT_EQ(nhwc.shape, (ir::Shape{1, 1, 3, 2}));
  EXPECT_THAT(nhwc.data, ElementsAre(1, 4, 2, 5, 3, 6));
  EXPECT_EQ(nhwc_to_nchw(nhwc), nchw);
  EXPECT_HWNAS_ERROR(nchw_to_nhwc(Tensor({2, 3})), "needs a rank-4 tensor");
}

}  // namespace
}  // namespace hwnas::runtime
