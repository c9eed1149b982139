#pragma once
// CIFAR-10 in its binary version (cifar-10-binary.tar.gz, unpacked): data_batch_1..5.bin
// (train) and test_batch.bin (test), each record one label byte and 3072 pixel bytes (the
// 1024 red, then green, then blue values of a 32x32 image, row by row). The folder may be
// the one holding the .bin files or its parent (cifar-10-batches-bin/). Class names come
// from batches.meta.txt when it is there. No validation split (size 0). Input 32 x 32 x 3.
// A file whose size is not a whole number of records is truncated; a label above 9 is an
// Error naming the file and the record.
//
//   hwnas::data::Cifar10 c("/data/cifar-10-batches-bin", {.mean = {0.4914f, 0.4822f, 0.4465f},
//                                                         .std = {0.2470f, 0.2435f, 0.2616f}});
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/data/dataset.h"
#include "hwnas/data/image_options.h"

namespace hwnas::data {

class Cifar10 : public Dataset {
 public:
  Cifar10(std::filesystem::path dir, ImageOptions options);

  std::string kind() const override { return "cifar10"; }
  const std::string& path() const override { return path_; }
  const std::vector<std::string>& class_names() const override { return classes_; }
  std::array<int, 3> input_shape() const override { return {32, 32, 3}; }
  int64_t size(Split split) const override;
  int label(Split split, int64_t index) const override;

 protected:
  void example(Split split, int64_t index, bool augment, Rng& rng, float* out) const override;

 private:
  std::string path_;
  ImageOptions options_;
  std::vector<std::string> classes_;
  std::vector<uint8_t> pixels_[3];  // HWC, 3072 bytes per image
  std::vector<uint8_t> labels_[3];
};

}  // namespace hwnas::data
