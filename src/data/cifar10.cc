#include "hwnas/data/cifar10.h"

#include <fstream>
#include <sstream>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::data {
namespace fs = std::filesystem;
namespace {

constexpr size_t kRecord = 1 + 3072;

// Appends the records of one batch file, converting planar RGB to HWC.
void read_batch(const fs::path& file, std::vector<uint8_t>& pixels, std::vector<uint8_t>& labels) {
  const std::string bytes = read_file(file);
  if (bytes.empty() || bytes.size() % kRecord != 0)
    fail(file.string(), "truncated CIFAR-10 batch: {} bytes is not a whole number of {}-byte records", bytes.size(),
         kRecord);
  const size_t n = bytes.size() / kRecord;
  for (size_t r = 0; r < n; ++r) {
    const auto* rec = reinterpret_cast<const uint8_t*>(bytes.data() + r * kRecord);
    if (rec[0] > 9) fail(file.string(), "record {}: label {} is out of range 0..9", r, rec[0]);
    labels.push_back(rec[0]);
    for (int p = 0; p < 1024; ++p)
      for (int c = 0; c < 3; ++c) pixels.push_back(rec[1 + c * 1024 + p]);
  }
}

}  // namespace

Cifar10::Cifar10(fs::path dir, ImageOptions options) : path_(dir.string()), options_(std::move(options)) {
  if (!fs::exists(dir / "test_batch.bin") && fs::exists(dir / "cifar-10-batches-bin/test_batch.bin"))
    dir /= "cifar-10-batches-bin";
  if (!fs::exists(dir / "test_batch.bin"))
    fail((dir / "test_batch.bin").string(),
         "no such file; a CIFAR-10 folder holds data_batch_1.bin .. data_batch_5.bin and test_batch.bin "
         "(the binary version, cifar-10-binary.tar.gz)");
  classes_ = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  if (fs::exists(dir / "batches.meta.txt")) {
    std::istringstream in(read_file(dir / "batches.meta.txt"));
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line != "\r") names.push_back(line.substr(0, line.find_last_not_of(" \r") + 1));
    if (names.size() == 10) classes_ = names;
  }
  for (int b = 1; b <= 5; ++b) {
    const fs::path f = dir / fmt::format("data_batch_{}.bin", b);
    if (fs::exists(f)) read_batch(f, pixels_[0], labels_[0]);
  }
  read_batch(dir / "test_batch.bin", pixels_[2], labels_[2]);
}

int64_t Cifar10::size(Split split) const { return static_cast<int64_t>(labels_[static_cast<int>(split)].size()); }

int Cifar10::label(Split split, int64_t index) const {
  return labels_[static_cast<int>(split)].at(static_cast<size_t>(index));
}

void Cifar10::example(Split split, int64_t index, bool augment, Rng& rng, float* out) const {
  image_to_floats(pixels_[static_cast<int>(split)].data() + index * 3072, 32, 32, 3, options_, augment, rng, out);
}

}  // namespace hwnas::data
