#include "hwnas/data/fashion_mnist.h"

#include <zlib.h>

#include "hwnas/core/error.h"

namespace hwnas::data {
namespace fs = std::filesystem;

IdxArray read_idx(const fs::path& given) {
  fs::path path = given;
  if (!fs::exists(path) && fs::exists(path.string() + ".gz")) path = path.string() + ".gz";
  const std::string name = path.string();
  if (!fs::exists(path)) fail(given.string(), "no such file (nor {}.gz)", given.filename().string());
  gzFile f = gzopen(name.c_str(), "rb");
  if (!f) fail(name, "cannot open");
  auto read = [&](void* buf, size_t n, const char* what) {
    const int got = gzread(f, buf, static_cast<unsigned>(n));
    if (got < 0 || static_cast<size_t>(got) != n) {
      gzclose(f);
      fail(name, "truncated IDX file: {} cut short (read {} of {} bytes)", what, std::max(got, 0), n);
    }
  };
  unsigned char magic[4];
  read(magic, 4, "header");
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] < 1 || magic[3] > 4) {
    gzclose(f);
    fail(name, "not an unsigned-byte IDX file (magic {:02x}{:02x}{:02x}{:02x}, expected 000008xx)", magic[0], magic[1],
         magic[2], magic[3]);
  }
  IdxArray a;
  a.file = name;
  size_t total = 1;
  for (int d = 0; d < magic[3]; ++d) {
    unsigned char b[4];
    read(b, 4, "header");
    a.dims.push_back(static_cast<int>((uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3]));
    total *= static_cast<size_t>(a.dims.back());
  }
  a.data.resize(total);
  read(a.data.data(), total, "data");
  gzclose(f);
  return a;
}

FashionMnist::FashionMnist(fs::path dir, ImageOptions options) : path_(dir.string()), options_(std::move(options)) {
  classes_ = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  if (!fs::is_directory(dir))
    fail(path_,
         "no such folder (expected the Fashion-MNIST IDX files; Debian: dataset-fashion-mnist in "
         "/usr/share/datasets/fashion-mnist)");
  const std::pair<Split, const char*> files[] = {{Split::train, "train"}, {Split::test, "t10k"}};
  for (const auto& [split, prefix] : files) {
    const fs::path img = dir / (std::string(prefix) + "-images-idx3-ubyte");
    const fs::path lab = dir / (std::string(prefix) + "-labels-idx1-ubyte");
    auto& images = images_[static_cast<int>(split)];
    auto& labels = labels_[static_cast<int>(split)];
    images = read_idx(img);
    labels = read_idx(lab);
    if (images.dims.size() != 3 || images.dims[1] != 28 || images.dims[2] != 28)
      fail(images.file, "expected N x 28 x 28 images");
    if (labels.dims.size() != 1 || labels.dims[0] != images.dims[0])
      fail(labels.file, "{} labels for {} images", labels.dims.empty() ? 0 : labels.dims[0], images.dims[0]);
    for (size_t i = 0; i < labels.data.size(); ++i)
      if (labels.data[i] > 9) fail(labels.file, "label {} of example {} is out of range 0..9", labels.data[i], i);
  }
}

int64_t FashionMnist::size(Split split) const {
  const auto& l = labels_[static_cast<int>(split)];
  return l.dims.empty() ? 0 : l.dims[0];
}

int FashionMnist::label(Split split, int64_t index) const {
  return labels_[static_cast<int>(split)].data.at(static_cast<size_t>(index));
}

void FashionMnist::example(Split split, int64_t index, bool augment, Rng& rng, float* out) const {
  image_to_floats(images_[static_cast<int>(split)].data.data() + index * 784, 28, 28, 1, options_, augment, rng, out);
}

}  // namespace hwnas::data
