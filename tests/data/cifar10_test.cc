#include "hwnas/data/cifar10.h"

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::data {
namespace {
namespace fs = std::filesystem;

// A record whose red plane is p % 256, green (p + 1) % 256, blue (p + 2) % 256 (p = y*32+x), plus k.
std::string record(int label, int k) {
  std::string r(1, static_cast<char>(label));
  for (int c = 0; c < 3; ++c)
    for (int p = 0; p < 1024; ++p) r += static_cast<char>((p + c + k) % 256);
  return r;
}

TEST(Cifar10, ReadsPlanarRecordsAsHwc) {
  const auto dir = testing::temp_dir() / "cifar-10-batches-bin";
  fs::create_directories(dir);
  write_file_atomic(dir / "data_batch_1.bin", record(3, 0) + record(7, 5));
  write_file_atomic(dir / "data_batch_2.bin", record(1, 9));
  write_file_atomic(dir / "test_batch.bin", record(9, 1));
  Cifar10 c(dir.parent_path(), {});  // the parent folder works too
  EXPECT_EQ(c.size(Split::train), 3);
  EXPECT_EQ(c.size(Split::test), 1);
  EXPECT_EQ(c.class_names()[3], "cat");
  const std::vector<int64_t> idx{1};
  const auto b = c.batch(Split::train, idx);
  EXPECT_EQ(b.shape, (std::array<int, 4>{1, 32, 32, 3}));
  EXPECT_EQ(b.y, std::vector<int>{7});
  // pixel (2, 3): p = 67; red 67 + 5, green 68 + 5, blue 69 + 5.
  const size_t at = (2 * 32 + 3) * 3;
  EXPECT_FLOAT_EQ(b.x[at] * 255, 72);
  EXPECT_FLOAT_EQ(b.x[at + 1] * 255, 73);
  EXPECT_FLOAT_EQ(b.x[at + 2] * 255, 74);
  EXPECT_EQ(c.label(Split::train, 2), 1);
}

TEST(Cifar10, ClassNamesFromTheMetaFile) {
  const auto dir = testing::temp_dir();
  write_file_atomic(dir / "test_batch.bin", record(0, 0));
  write_file_atomic(dir / "batches.meta.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
  Cifar10 c(dir, {});
  EXPECT_EQ(c.class_names()[9], "j");
  EXPECT_EQ(c.size(Split::train), 0);
}

TEST(Cifar10, BadFilesNameTheFile) {
  const auto dir = testing::temp_dir();
  write_file_atomic(dir / "test_batch.bin", record(0, 0) + record(10, 0));
  EXPECT_HWNAS_ERROR(Cifar10(dir, {}), "test_batch.bin: record 1: label 10 is out of range 0..9");
  write_file_atomic(dir / "test_batch.bin", record(0, 0).substr(0, 3000));
  EXPECT_HWNAS_ERROR(Cifar10(dir, {}), "test_batch.bin: truncated CIFAR-10 batch: 3000 bytes");
  fs::remove(dir / "test_batch.bin");
  EXPECT_HWNAS_ERROR(Cifar10(dir, {}), "test_batch.bin: no such file; a CIFAR-10 folder holds");
}

}  // namespace
}  // namespace hwnas::data
