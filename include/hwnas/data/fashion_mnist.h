#pragma once
// Fashion-MNIST (Xiao et al. 2017) in its IDX files, gzipped or not, as Debian's
// dataset-fashion-mnist installs them (/usr/share/datasets/fashion-mnist):
//   train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz   60,000 28x28 grey images
//   t10k-images-idx3-ubyte.gz   t10k-labels-idx1-ubyte.gz    10,000 (the test split)
// No validation split (size 0). Input shape 28 x 28 x 1; pixels through ImageOptions.
// A wrong magic number, a count that does not match, a truncated file or a label outside
// 0..9 is an Error naming the file.
//
//   hwnas::data::FashionMnist fm("/usr/share/datasets/fashion-mnist", {});
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/data/dataset.h"
#include "hwnas/data/image_options.h"

namespace hwnas::data {

// An IDX file (LeCun's MNIST format): big-endian magic 0x000008<dims>, dims, then uint8 data.
struct IdxArray {
  std::string file;  // the file read (with .gz when it was)
  std::vector<int> dims;
  std::vector<uint8_t> data;
};
// Reads `path` or, when it does not exist, `path`.gz (zlib reads both transparently).
IdxArray read_idx(const std::filesystem::path& path);

class FashionMnist : public Dataset {
 public:
  FashionMnist(std::filesystem::path dir, ImageOptions options);

  std::string kind() const override { return "fashion-mnist"; }
  const std::string& path() const override { return path_; }
  const std::vector<std::string>& class_names() const override { return classes_; }
  std::array<int, 3> input_shape() const override { return {28, 28, 1}; }
  int64_t size(Split split) const override;
  int label(Split split, int64_t index) const override;

 protected:
  void example(Split split, int64_t index, bool augment, Rng& rng, float* out) const override;

 private:
  std::string path_;
  ImageOptions options_;
  std::vector<std::string> classes_;
  IdxArray images_[3], labels_[3];  // by split; validation stays empty
};

}  // namespace hwnas::data
