#include "hwnas/data/coco.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "hwnas/core/error.h"

namespace hwnas::data {
namespace fs = std::filesystem;

int64_t CocoSplit::objects() const {
  int64_t n = 0;
  for (const auto& img : images) n += static_cast<int64_t>(img.objects.size());
  return n;
}

Coco read_coco(const fs::path& dir) {
  if (!fs::is_directory(dir)) fail(dir.string(), "no such folder (expected annotations/instances_<split>.json)");
  Coco coco;
  coco.path = dir.string();
  // Per split: our short names first, then COCO 2017's.
  const std::pair<Split, std::vector<std::string>> names[] = {{Split::train, {"train", "train2017"}},
                                                              {Split::validation, {"val", "val2017"}},
                                                              {Split::test, {"test", "test2017"}}};
  fs::path first;  // the file the classes come from
  for (const auto& [split, stems] : names)
    for (const auto& stem : stems) {
      const fs::path json = dir / "annotations" / ("instances_" + stem + ".json");
      if (!fs::is_regular_file(json)) continue;
      CocoAnnotations a = read_coco_annotations(json, dir / stem);
      if (first.empty()) {
        first = json;
        coco.class_names = std::move(a.class_names);
        coco.category_ids = std::move(a.category_ids);
      } else if (a.category_ids != coco.category_ids || a.class_names != coco.class_names) {
        fail(json.string() + ": categories", "not the categories of {}; every split must list the same ones",
             first.string());
      }
      auto& s = coco.splits[static_cast<int>(split)];
      s.annotations = json;
      s.images = std::move(a.images);
      break;
    }
  if (first.empty())
    fail((dir / "annotations").string(),
         "no instances_train.json, instances_val.json, instances_test.json (or instances_train2017.json, ...)");
  return coco;
}

CocoExample load_coco_example(const CocoImage& image, int height, int width) {
  if (height <= 0 || width <= 0) fail(image.file.string(), "cannot resize to {} x {}", height, width);
  if (!fs::is_regular_file(image.file))
    fail(image.file.string(), "no such image (listed in the annotations as image id {})", image.id);
  // Pixels as stored, without EXIF rotation: COCO's boxes (and PIL, which torchvision and
  // pycocotools' users read with) refer to the stored orientation.
  cv::Mat bgr = cv::imread(image.file.string(), cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  if (bgr.empty())
    fail(image.file.string(), "cannot read this image (not a JPEG/PNG/BMP OpenCV can decode, or truncated)");
  if (bgr.cols != image.width || bgr.rows != image.height)
    fail(image.file.string(),
         "image is {} x {} but the annotations say {} x {} (width x height); its boxes would be wrong", bgr.cols,
         bgr.rows, image.width, image.height);
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  if (rgb.rows != height || rgb.cols != width) {
    cv::Mat r;
    // Area averaging when shrinking (no aliasing), bilinear when enlarging.
    const bool shrink = height * width < rgb.rows * rgb.cols;
    cv::resize(rgb, r, cv::Size(width, height), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
    rgb = r;
  }
  CocoExample e;
  e.height = height;
  e.width = width;
  e.x.resize(static_cast<size_t>(height) * width * 3);
  const uint8_t* px = rgb.ptr<uint8_t>(0);  // cv::resize and cvtColor give continuous matrices
  for (size_t i = 0; i < e.x.size(); ++i) e.x[i] = px[i] / 255.0f;
  const double sx = static_cast<double>(width) / image.width, sy = static_cast<double>(height) / image.height;
  e.objects = image.objects;
  for (auto& o : e.objects) o.box = {o.box.x * sx, o.box.y * sy, o.box.w * sx, o.box.h * sy};
  return e;
}

}  // namespace hwnas::data
