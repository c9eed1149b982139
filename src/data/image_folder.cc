#include "hwnas/data/image_folder.h"

#include <algorithm>
#include <cctype>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hwnas/core/error.h"

namespace hwnas::data {
namespace fs = std::filesystem;
namespace {

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

std::vector<std::string> subfolders(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

cv::Mat decode_rgb(const fs::path& file) {
  cv::Mat bgr = cv::imread(file.string(), cv::IMREAD_COLOR);
  if (bgr.empty()) fail(file.string(), "cannot read this image (not a JPEG/PNG/BMP OpenCV can decode, or truncated)");
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

}  // namespace

ImageFolder::ImageFolder(fs::path dir, ImageOptions options) : path_(dir.string()), options_(std::move(options)) {
  if (!fs::is_directory(dir)) fail(path_, "no such folder (expected class subfolders of JPEG/PNG images)");
  // Split folders when there are any, else the whole folder is the test split.
  std::pair<Split, fs::path> roots[3];
  int n_roots = 0;
  for (const auto& [split, names] : {std::pair{Split::train, std::vector<std::string>{"train"}},
                                     std::pair{Split::validation, std::vector<std::string>{"val", "validation"}},
                                     std::pair{Split::test, std::vector<std::string>{"test"}}})
    for (const auto& n : names)
      if (fs::is_directory(dir / n)) {
        roots[n_roots++] = {split, dir / n};
        break;
      }
  if (n_roots == 0) roots[n_roots++] = {Split::test, dir};
  classes_ = subfolders(roots[0].second);
  if (classes_.empty()) fail(roots[0].second.string(), "no class subfolders (expected <class>/<image>.jpg)");
  for (int r = 0; r < n_roots; ++r) {
    const auto& [split, root] = roots[r];
    for (const auto& cls : subfolders(root)) {
      const auto it = std::find(classes_.begin(), classes_.end(), cls);
      if (it == classes_.end())
        fail((root / cls).string(), "class '{}' is not among the classes of {}", cls, roots[0].second.string());
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(root / cls))
        if (e.is_regular_file() && is_image(e.path())) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (auto& f : files)
        splits_[static_cast<int>(split)].push_back({std::move(f), static_cast<int>(it - classes_.begin())});
    }
  }
  if (options_.crop > 0) {
    height_ = width_ = options_.crop;
  } else if (options_.resize > 0) {
    height_ = width_ = options_.resize;
  } else {
    for (const auto& s : splits_)
      if (!s.empty()) {
        const cv::Mat first = decode_rgb(s.front().file);
        height_ = first.rows;
        width_ = first.cols;
        break;
      }
    if (height_ == 0) fail(path_, "no images (.jpg, .jpeg, .png, .bmp) in the class subfolders");
  }
}

int64_t ImageFolder::size(Split split) const { return static_cast<int64_t>(splits_[static_cast<int>(split)].size()); }

int ImageFolder::label(Split split, int64_t index) const {
  return splits_[static_cast<int>(split)].at(static_cast<size_t>(index)).label;
}

std::vector<uint8_t> ImageFolder::pixels(Split split, int64_t index) const {
  cv::Mat img = decode_rgb(splits_[static_cast<int>(split)].at(static_cast<size_t>(index)).file);
  const int crop = options_.crop, resize = options_.resize;
  if (crop > 0) {
    const int shorter = std::min(img.rows, img.cols);
    const int target = resize > 0 ? resize : std::max(shorter, crop);
    if (target != shorter) {
      const double s = static_cast<double>(target) / shorter;
      cv::Mat r;
      cv::resize(img, r,
                 cv::Size(std::max(crop, static_cast<int>(std::lround(img.cols * s))),
                          std::max(crop, static_cast<int>(std::lround(img.rows * s)))),
                 0, 0, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
      img = r;
    }
    img = img(cv::Rect((img.cols - crop) / 2, (img.rows - crop) / 2, crop, crop)).clone();
  } else if (img.rows != height_ || img.cols != width_) {
    cv::Mat r;
    cv::resize(img, r, cv::Size(width_, height_), 0, 0, cv::INTER_AREA);
    img = r;
  }
  return std::vector<uint8_t>(img.data, img.data + img.total() * 3);
}

void ImageFolder::example(Split split, int64_t index, bool augment, Rng& rng, float* out) const {
  const auto px = pixels(split, index);
  image_to_floats(px.data(), height_, width_, 3, options_, augment, rng, out);
}

}  // namespace hwnas::data
