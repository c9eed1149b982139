// read_coco_annotations (coco.h): one COCO instances JSON to plain structs, with errors that
// say where in the file the problem is and what COCO expects there.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/data/coco.h"

namespace hwnas::data {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

constexpr const char* kFormat = "see https://cocodataset.org/#format-data";

// Where errors point: "<file>: annotations[12].bbox".
struct Place {
  std::string file;
  std::string at(const std::string& key) const { return file + ": " + key; }
};

const json& member(const json& obj, const char* key, const std::string& where, const Place& p, const char* expect) {
  if (!obj.is_object()) fail(p.at(where), "expected an object {{...}}, got {}", obj.type_name());
  const auto it = obj.find(key);
  if (it == obj.end()) fail(p.at(where), "missing key '{}' ({}; {})", key, expect, kFormat);
  return *it;
}

int64_t integer(const json& v, const std::string& where, const Place& p) {
  if (!v.is_number_integer()) fail(p.at(where), "expected an integer, got {}", v.dump());
  return v.get<int64_t>();
}

double number(const json& v, const std::string& where, const Place& p) {
  if (!v.is_number()) fail(p.at(where), "expected a number, got {}", v.dump());
  return v.get<double>();
}

const json& array(const json& root, const char* key, const Place& p, const char* expect) {
  const json& a = member(root, key, "(top level)", p, expect);
  if (!a.is_array()) fail(p.at(key), "expected an array, got {}", a.type_name());
  return a;
}

}  // namespace

CocoAnnotations read_coco_annotations(const fs::path& json_file, const fs::path& image_dir) {
  const Place p{json_file.string()};
  std::ifstream in(json_file);
  if (!in) fail(p.file, "cannot open this annotation file");
  json root;
  try {
    root = json::parse(in);
  } catch (const json::parse_error& e) {
    fail(p.file, "not valid JSON ({}); a COCO instances file is one JSON object, {}", e.what(), kFormat);
  }

  CocoAnnotations out;
  // Categories: contiguous class indices in ascending id order.
  const json& cats = array(root, "categories", p, "an array of {id, name}");
  std::vector<std::pair<int64_t, std::string>> by_id;
  for (size_t i = 0; i < cats.size(); ++i) {
    const std::string w = "categories[" + std::to_string(i) + "]";
    const int64_t id = integer(member(cats[i], "id", w, p, "each category has an integer id"), w + ".id", p);
    const json& name = member(cats[i], "name", w, p, "each category has a name");
    if (!name.is_string()) fail(p.at(w + ".name"), "expected a string, got {}", name.dump());
    by_id.emplace_back(id, name.get<std::string>());
  }
  std::sort(by_id.begin(), by_id.end());
  for (size_t i = 1; i < by_id.size(); ++i)
    if (by_id[i].first == by_id[i - 1].first)
      fail(p.at("categories"), "category id {} is listed twice ('{}' and '{}'); ids must be unique", by_id[i].first,
           by_id[i - 1].second, by_id[i].second);
  std::unordered_map<int64_t, int> label_of;
  for (const auto& [id, name] : by_id) {
    label_of[id] = static_cast<int>(out.category_ids.size());
    out.category_ids.push_back(id);
    out.class_names.push_back(name);
  }

  const json& images = array(root, "images", p, "an array of {id, file_name, width, height}");
  std::unordered_map<int64_t, size_t> image_of;
  out.images.reserve(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const std::string w = "images[" + std::to_string(i) + "]";
    const char* expect = "each image has id, file_name, width, height";
    CocoImage img;
    img.id = integer(member(images[i], "id", w, p, expect), w + ".id", p);
    const json& name = member(images[i], "file_name", w, p, expect);
    if (!name.is_string()) fail(p.at(w + ".file_name"), "expected a string, got {}", name.dump());
    img.file = image_dir / name.get<std::string>();
    img.width = static_cast<int>(integer(member(images[i], "width", w, p, expect), w + ".width", p));
    img.height = static_cast<int>(integer(member(images[i], "height", w, p, expect), w + ".height", p));
    if (img.width <= 0 || img.height <= 0)
      fail(p.at(w), "image size {} x {} (width x height); both must be positive", img.width, img.height);
    if (!image_of.emplace(img.id, out.images.size()).second)
      fail(p.at(w + ".id"), "image id {} is used by an earlier image too; ids must be unique", img.id);
    out.images.push_back(std::move(img));
  }

  const json& anns = array(root, "annotations", p, "an array of {image_id, category_id, bbox}");
  for (size_t i = 0; i < anns.size(); ++i) {
    const std::string w = "annotations[" + std::to_string(i) + "]";
    const char* expect = "each annotation has image_id, category_id, bbox";
    const int64_t image_id = integer(member(anns[i], "image_id", w, p, expect), w + ".image_id", p);
    const auto img = image_of.find(image_id);
    if (img == image_of.end())
      fail(p.at(w + ".image_id"), "no image has id {}; add it to 'images' or drop the annotation", image_id);
    const int64_t cat = integer(member(anns[i], "category_id", w, p, expect), w + ".category_id", p);
    const auto label = label_of.find(cat);
    if (label == label_of.end())
      fail(p.at(w + ".category_id"), "no category has id {}; add it to 'categories' or drop the annotation", cat);
    const json& bbox = member(anns[i], "bbox", w, p, expect);
    if (!bbox.is_array() || bbox.size() != 4)
      fail(p.at(w + ".bbox"), "expected [x, y, width, height] (4 numbers), got {}", bbox.dump());
    Object o;
    o.label = label->second;
    o.box = {number(bbox[0], w + ".bbox[0]", p), number(bbox[1], w + ".bbox[1]", p), number(bbox[2], w + ".bbox[2]", p),
             number(bbox[3], w + ".bbox[3]", p)};
    if (o.box.w < 0 || o.box.h < 0)
      fail(p.at(w + ".bbox"),
           "negative size (width {}, height {}); COCO boxes are [x, y, width, height], not [x1, y1, x2, y2]", o.box.w,
           o.box.h);
    if (const auto crowd = anns[i].find("iscrowd"); crowd != anns[i].end())
      o.crowd = integer(*crowd, w + ".iscrowd", p) != 0;
    out.images[img->second].objects.push_back(o);
  }
  return out;
}

}  // namespace hwnas::data
