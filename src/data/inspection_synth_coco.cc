// The COCO annotation files and README of the inspection set.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "inspection_synth_internal.h"

namespace hwnas::data::inspection {

const char* const kReadmeFirstLine = "hwnas inspection-synth: a synthetic industrial-inspection detection set";

std::string coco_json(const std::vector<Entry>& entries, int split, int size, uint64_t seed) {
  static const char* kSplits[] = {"train", "val", "test"};
  nlohmann::ordered_json j;
  // No date: the same seed must give the same bytes.
  j["info"] = {{"description", fmt::format("hwnas inspection-synth, {} split", kSplits[split])},
               {"version", "1"},
               {"seed", seed}};
  j["licenses"] = nlohmann::ordered_json::array();
  auto& images = j["images"] = nlohmann::ordered_json::array();
  auto& annotations = j["annotations"] = nlohmann::ordered_json::array();
  int64_t next_annotation = 1;
  for (const Entry& e : entries) {
    const int64_t image_id = e.index + 1;
    if (e.split == split)
      images.push_back({{"id", image_id}, {"file_name", e.file}, {"width", size}, {"height", size}});
    for (const InspectionBox& b : e.boxes) {
      const int64_t id = next_annotation++;  // counted over every split: ids are unique in the set
      if (e.split != split) continue;
      // area: the box's, as for any box-only set (there are no segmentation masks).
      annotations.push_back({{"id", id},
                             {"image_id", image_id},
                             {"category_id", static_cast<int>(b.defect) + 1},
                             {"bbox", {b.x, b.y, b.w, b.h}},
                             {"area", b.w * b.h},
                             {"iscrowd", 0}});
    }
  }
  auto& categories = j["categories"] = nlohmann::ordered_json::array();
  for (int c = 0; c < kInspectionDefects; ++c)
    categories.push_back({{"id", c + 1}, {"name", inspection_defect_names()[c]}, {"supercategory", "defect"}});
  return j.dump(1) + "\n";
}

std::string readme(const InspectionSynthOptions& o, const InspectionSynthReport& r) {
  std::string s = fmt::format(
      "{}\n\n"
      "Written by `hwnas data inspection-synth --images {} --size {} --seed {}`; the same command\n"
      "writes the same bytes. Every image is drawn procedurally: a surface (brushed metal, wood,\n"
      "woven fabric, printed circuit board) with 0-4 defects, posed, lit, blurred and noised.\n\n"
      "Layout (COCO):\n"
      "  train/*.png, val/*.png, test/*.png       {}x{} RGB; image i is in val when i % 10 == 8,\n"
      "                                           in test when i % 10 == 9, else in train\n"
      "  annotations/instances_<split>.json       images, annotations (bbox [x, y, w, h] in pixels,\n"
      "                                           area = w * h, iscrowd 0), categories\n\n"
      "Categories (id name): 1 scratch, 2 dent, 3 spot, 4 crack, 5 missing (a pad or component\n"
      "absent from a board). A box is the tight box of the defect's pixels in the image.\n\n"
      "split  images  defect-free  scratch  dent  spot  crack  missing\n",
      kReadmeFirstLine, o.images, o.size, o.seed, o.size, o.size);
  static const char* kSplits[] = {"train", "val", "test"};
  for (int sp = 0; sp < 3; ++sp)
    s += fmt::format("{:<5}  {:>6}  {:>11}  {:>7}  {:>4}  {:>4}  {:>5}  {:>7}\n", kSplits[sp], r.images[sp],
                     r.defect_free[sp], r.boxes[sp][0], r.boxes[sp][1], r.boxes[sp][2], r.boxes[sp][3], r.boxes[sp][4]);
  return s;
}

}  // namespace hwnas::data::inspection
