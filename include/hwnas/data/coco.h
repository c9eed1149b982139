#pragma once
// Object-detection data in the COCO format: an instances JSON per split and the images beside
// it, the layout COCO and most detection datasets (and exports from labelling tools) have:
//
//   <dir>/annotations/instances_train.json   + <dir>/train/<file_name>
//   <dir>/annotations/instances_val.json     + <dir>/val/<file_name>
//   <dir>/annotations/instances_test.json    + <dir>/test/<file_name>
// or COCO's own names, instances_train2017.json + train2017/ (val2017, test2017 likewise). A
// split without an annotation file is empty; a folder with none at all is an Error.
//
// The JSON (https://cocodataset.org/#format-data; keys not named here are ignored):
//   images       [{id, file_name, width, height}]
//   annotations  [{image_id, category_id, bbox: [x, y, width, height] in pixels, iscrowd (0 if absent)}]
//   categories   [{id, name}]
// Category ids (1..90 with gaps in COCO) become contiguous class indices in ascending id
// order; class_names[i] is the name of category_ids[i]. Every split must list the same
// categories. Boxes stay as COCO gives them: [x, y, w, h] in pixels of the original image.
// Malformed JSON, a missing key, a box of negative size, an annotation naming an unknown
// image or category are Errors naming the file and the place ("annotations[12].bbox").
//
//   const hwnas::data::Coco coco = hwnas::data::read_coco("/data/coco");
//   const auto& val = coco.split(hwnas::data::Split::validation).images;
//   hwnas::data::CocoExample e = hwnas::data::load_coco_example(val[0], 320, 320);
//   // e.x: 320*320*3 floats, RGB in [0, 1] (HWC); e.objects: boxes in pixels of the 320 x 320 image
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hwnas/data/boxes.h"
#include "hwnas/data/dataset.h"

namespace hwnas::data {

struct CocoImage {
  int64_t id = 0;
  std::filesystem::path file;   // the split's image folder / file_name
  int width = 0, height = 0;    // as the JSON gives them
  std::vector<Object> objects;  // in the order of the annotations array
};

struct CocoSplit {
  std::filesystem::path annotations;  // the JSON file; empty when the split has none
  std::vector<CocoImage> images;      // in the order of the JSON's images array
  int64_t objects() const;            // boxes over all images, crowd boxes included
};

// One annotation file read: its classes and its images with their objects.
struct CocoAnnotations {
  std::vector<std::string> class_names;  // by class index
  std::vector<int64_t> category_ids;     // by class index, ascending
  std::vector<CocoImage> images;
};

struct Coco {
  std::string path;
  std::vector<std::string> class_names;
  std::vector<int64_t> category_ids;
  std::array<CocoSplit, 3> splits;  // indexed by Split
  const CocoSplit& split(Split s) const { return splits[static_cast<int>(s)]; }
};

// Reads one instances JSON; image files are `image_dir` / file_name (not opened here).
CocoAnnotations read_coco_annotations(const std::filesystem::path& json_file, const std::filesystem::path& image_dir);

// Finds and reads every split of a COCO folder (layouts above).
Coco read_coco(const std::filesystem::path& dir);

struct CocoExample {
  int height = 0, width = 0;
  std::vector<float> x;         // height * width * 3, RGB in [0, 1], HWC (one NHWC example)
  std::vector<Object> objects;  // boxes scaled to pixels of the height x width image
};

// Decodes `image` with OpenCV, resizes it (aspect ratio not kept) to height x width and scales
// its boxes by the same factors. A missing or undecodable file, or one whose size differs from
// the JSON's width and height (whose boxes would then be wrong), is an Error naming the file.
CocoExample load_coco_example(const CocoImage& image, int height, int width);

}  // namespace hwnas::data
