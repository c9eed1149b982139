#include "hwnas/data/fashion_mnist.h"

#include <zlib.h>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::data {
namespace {
namespace fs = std::filesystem;

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

void write_gz(const fs::path& p, const std::string& bytes) {
  gzFile f = gzopen(p.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

// n images whose pixel (y, x) is (i + y + x) % 256, labels i % 10.
void write_set(const fs::path& dir, const std::string& prefix, int n, bool gz = true) {
  std::string img = be32(0x803) + be32(n) + be32(28) + be32(28), lab = be32(0x801) + be32(n);
  for (int i = 0; i < n; ++i) {
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) img += static_cast<char>((i + y + x) % 256);
    lab += static_cast<char>(i % 10);
  }
  if (gz) {
    write_gz(dir / (prefix + "-images-idx3-ubyte.gz"), img);
    write_gz(dir / (prefix + "-labels-idx1-ubyte.gz"), lab);
  } else {
    write_file_atomic(dir / (prefix + "-images-idx3-ubyte"), img);
    write_file_atomic(dir / (prefix + "-labels-idx1-ubyte"), lab);
  }
}

TEST(FashionMnist, ReadsGeneratedIdxFiles) {
  const auto dir = testing::temp_dir();
  write_set(dir, "train", 12);
  write_set(dir, "t10k", 3, false);  // plain IDX works too
  FashionMnist fm(dir, {});
  EXPECT_EQ(fm.size(Split::train), 12);
  EXPECT_EQ(fm.size(Split::validation), 0);
  EXPECT_EQ(fm.size(Split::test), 3);
  EXPECT_EQ(fm.class_names()[9], "Ankle boot");
  const std::vector<int64_t> idx{11, 2};
  const auto b = fm.batch(Split::train, idx);
  EXPECT_EQ(b.shape, (std::array<int, 4>{2, 28, 28, 1}));
  EXPECT_EQ(b.y, (std::vector<int>{1, 2}));
  EXPECT_FLOAT_EQ(b.x[0], 11 / 255.0f);                   // image 11, (0, 0)
  EXPECT_FLOAT_EQ(b.x[3 * 28 + 5], 19 / 255.0f);          // image 11, (3, 5)
  EXPECT_FLOAT_EQ(b.x[784 + 27 * 28 + 27], 56 / 255.0f);  // image 2, (27, 27)
}

TEST(FashionMnist, BadFilesNameTheFile) {
  auto dir = testing::temp_dir();
  write_set(dir, "train", 2);
  write_set(dir, "t10k", 2);
  write_gz(dir / "t10k-labels-idx1-ubyte.gz", be32(0x801) + be32(2) + std::string("\x01\x0a", 2));
  EXPECT_HWNAS_ERROR(FashionMnist(dir, {}), "t10k-labels-idx1-ubyte.gz: label 10 of example 1 is out of range 0..9");
  write_gz(dir / "t10k-labels-idx1-ubyte.gz", be32(0x801) + be32(2) + std::string("\x01", 1));
  EXPECT_HWNAS_ERROR(FashionMnist(dir, {}),
                     "t10k-labels-idx1-ubyte.gz: truncated IDX file: data cut short (read 1 of 2 bytes)");
  write_gz(dir / "t10k-labels-idx1-ubyte.gz", "GIF89a....");
  EXPECT_HWNAS_ERROR(FashionMnist(dir, {}), "t10k-labels-idx1-ubyte.gz: not an unsigned-byte IDX file");
  fs::remove(dir / "t10k-labels-idx1-ubyte.gz");
  EXPECT_HWNAS_ERROR(FashionMnist(dir, {}), "t10k-labels-idx1-ubyte: no such file");
}

TEST(FashionMnist, ReadsTheDebianDataset) {
  const fs::path dir = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(dir / "t10k-labels-idx1-ubyte.gz")) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  FashionMnist fm(dir, {});
  EXPECT_EQ(fm.size(Split::train), 60000);
  EXPECT_EQ(fm.size(Split::test), 10000);
  // The first labels and the first image's pixel sum, read with python's gzip module.
  EXPECT_EQ(fm.label(Split::train, 0), 9);
  EXPECT_EQ(fm.label(Split::train, 1), 0);
  EXPECT_EQ(fm.label(Split::test, 1), 2);
  const std::vector<int64_t> idx{0};
  const auto b = fm.batch(Split::train, idx);
  double sum = 0;
  for (float v : b.x) sum += v * 255;
  EXPECT_NEAR(sum, 76247, 0.5);
  for (int64_t c : fm.class_counts(Split::test)) EXPECT_EQ(c, 1000);  // a balanced test set
}

}  // namespace
}  // namespace hwnas::data
