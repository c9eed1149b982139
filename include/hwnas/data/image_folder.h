#pragma once
// A folder of images in class subfolders, the layout users keep their own data in (and
// torchvision's ImageFolder reads):
//   <dir>/<class>/*.jpg|jpeg|png|bmp                  every image is in the test split, or
//   <dir>/train/<class>/..., <dir>/val|validation/<class>/..., <dir>/test/<class>/...
// Class names are the subfolder names in name order (those of train/ when there are splits;
// a class missing from another split just has no examples there, an extra one is an Error).
// Images are decoded with OpenCV (imgcodecs) as RGB (3 channels, grey images too), then
// resized and centre-cropped:
//   crop > 0, resize > 0   shorter side to `resize`, then the centre crop x crop
//   crop > 0 only          the centre crop x crop (shorter side scaled up to crop if smaller)
//   resize > 0 only        the whole image to resize x resize
//   neither                the whole image to the size of the first image
// An unreadable image is an Error naming the file.
//
//   hwnas::data::ImageFolder f("/data/pets", {.resize = 256, .crop = 224,
//                                             .mean = {0.485f, 0.456f, 0.406f}, .std = {0.229f, 0.224f, 0.225f}});
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/data/dataset.h"
#include "hwnas/data/image_options.h"

namespace hwnas::data {

class ImageFolder : public Dataset {
 public:
  ImageFolder(std::filesystem::path dir, ImageOptions options);

  std::string kind() const override { return "image-folder"; }
  const std::string& path() const override { return path_; }
  const std::vector<std::string>& class_names() const override { return classes_; }
  std::array<int, 3> input_shape() const override { return {height_, width_, 3}; }
  int64_t size(Split split) const override;
  int label(Split split, int64_t index) const override;

  // The decoded, resized and cropped RGB pixels (HWC) of an example.
  std::vector<uint8_t> pixels(Split split, int64_t index) const;

 protected:
  void example(Split split, int64_t index, bool augment, Rng& rng, float* out) const override;

 private:
  struct Entry {
    std::filesystem::path file;
    int label;
  };
  std::string path_;
  ImageOptions options_;
  std::vector<std::string> classes_;
  std::vector<Entry> splits_[3];
  int height_ = 0, width_ = 0;
};

}  // namespace hwnas::data
