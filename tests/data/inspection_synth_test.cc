#include "hwnas/data/inspection_synth.h"

#include <map>
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::data {
namespace {
namespace fs = std::filesystem;

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> m;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) m[fs::relative(e.path(), dir).string()] = read_file(e.path());
  return m;
}

TEST(InspectionSynth, SameSeedSamePixelsAndBoxes) {
  for (int i = 0; i < 8; ++i) {
    const auto a = render_inspection_sample(3, i), b = render_inspection_sample(3, i);
    const auto c = render_inspection_sample(4, i);
    EXPECT_EQ(a.rgb, b.rgb);
    ASSERT_EQ(a.boxes.size(), b.boxes.size());
    for (size_t k = 0; k < a.boxes.size(); ++k) {
      EXPECT_EQ(a.boxes[k].x, b.boxes[k].x);
      EXPECT_EQ(a.boxes[k].w, b.boxes[k].w);
      EXPECT_EQ(a.boxes[k].defect, b.boxes[k].defect);
    }
    EXPECT_NE(a.rgb, c.rgb);
    EXPECT_NE(a.rgb, render_inspection_sample(3, i + 1).rgb);
    EXPECT_EQ(a.rgb.size(), 160u * 160u * 3u);
  }
}

TEST(InspectionSynth, BoxesInsideTheImageAndEveryClassOccurs) {
  int counts[kInspectionDefects] = {}, surfaces[kInspectionSurfaces] = {}, empty = 0;
  for (int i = 0; i < 60; ++i) {
    const auto s = render_inspection_sample(1, i);
    ++surfaces[static_cast<int>(s.surface)];
    if (s.boxes.empty()) ++empty;
    for (const auto& b : s.boxes) {
      EXPECT_GE(b.x, 0);
      EXPECT_GE(b.y, 0);
      EXPECT_GE(b.w, 3);
      EXPECT_GE(b.h, 3);
      EXPECT_LE(b.x + b.w, s.size);
      EXPECT_LE(b.y + b.h, s.size);
      ++counts[static_cast<int>(b.defect)];
    }
    EXPECT_LE(s.boxes.size(), 4u);
  }
  for (int c = 0; c < kInspectionDefects; ++c) EXPECT_GT(counts[c], 0) << inspection_defect_names()[c];
  for (int s = 0; s < kInspectionSurfaces; ++s) EXPECT_GT(surfaces[s], 0) << inspection_surface_names()[s];
  EXPECT_GT(empty, 0);   // some images are defect-free
  EXPECT_LT(empty, 30);  // most are not
}

// The defect pixels are inside their boxes: the same image without its defects differs only
// there (give or take the 3x3 blur and the faint fringe under the box threshold).
void expect_difference_inside_boxes(std::optional<InspectionSurface> surface, int images) {
  int boxes = 0;
  for (int i = 0; i < images; ++i) {
    const auto with = render_inspection_sample(7, i, {.surface = surface});
    const auto without = render_inspection_sample(7, i, {.defects = false, .surface = surface});
    EXPECT_TRUE(without.boxes.empty());
    const int n = with.size;
    std::vector<int> hits(with.boxes.size(), 0);
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        int diff = 0;
        for (int c = 0; c < 3; ++c) {
          const size_t at = (static_cast<size_t>(y) * n + x) * 3 + c;
          diff = std::max(diff, std::abs(int(with.rgb[at]) - int(without.rgb[at])));
        }
        // Seen: 12 grey levels; outside every box: under 25.
        for (size_t k = 0; k < with.boxes.size(); ++k) {
          const auto& b = with.boxes[k];
          if (diff > 12 && x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) ++hits[k];
        }
        if (diff <= 24) continue;
        bool inside = false;
        for (const auto& b : with.boxes)
          if (x >= b.x - 2 && x < b.x + b.w + 2 && y >= b.y - 2 && y < b.y + b.h + 2) inside = true;
        EXPECT_TRUE(inside) << "image " << i << ": pixel (" << x << ", " << y << ") changed by " << diff
                            << " outside every box";
        if (!inside) return;
      }
    for (size_t k = 0; k < hits.size(); ++k)  // and every box holds a visible defect
      EXPECT_GT(hits[k], 0) << "image " << i << " box " << k << " ("
                            << inspection_defect_names()[static_cast<int>(with.boxes[k].defect)] << ")";
    boxes += static_cast<int>(with.boxes.size());
  }
  EXPECT_GT(boxes, images / 2);
}

TEST(InspectionSynth, DefectPixelsAreInsideTheirBoxesOnAFlatSurface) {
  expect_difference_inside_boxes(InspectionSurface::flat, 30);
}

TEST(InspectionSynth, DefectPixelsAreInsideTheirBoxesOnTexturedSurfaces) {
  // On boards this covers "missing": a removed part leaves the board as it is under it.
  expect_difference_inside_boxes(InspectionSurface::pcb, 20);
  expect_difference_inside_boxes(std::nullopt, 20);
}

TEST(InspectionSynth, WritesCocoSplitsDeterministically) {
  const auto base = testing::temp_dir();
  const InspectionSynthOptions o{.out = base / "a", .images = 20, .size = 64, .seed = 5, .jobs = 2};
  const auto r = synthesize_inspection(o);
  EXPECT_EQ(r.images[0], 16);
  EXPECT_EQ(r.images[1], 2);
  EXPECT_EQ(r.images[2], 2);
  EXPECT_FALSE(fs::exists(base / "a.partial"));

  auto o1 = o;
  o1.out = base / "b";
  o1.jobs = 1;
  synthesize_inspection(o1);
  auto o2 = o;
  o2.out = base / "c";
  o2.seed = 6;
  synthesize_inspection(o2);
  const auto a = snapshot(base / "a"), b = snapshot(base / "b"), c = snapshot(base / "c");
  EXPECT_EQ(a, b);  // whatever the number of jobs
  EXPECT_NE(a.at("annotations/instances_train.json"), c.at("annotations/instances_train.json"));
  EXPECT_NE(a.at("train/000000.png"), c.at("train/000000.png"));
  EXPECT_NE(a.at("README.txt").find("--seed 5"), std::string::npos);

  // The COCO files: every image of the split once, on disk, its size; boxes inside it.
  std::set<int64_t> annotation_ids;
  int64_t boxes = 0;
  const char* kSplits[] = {"train", "val", "test"};
  for (int s = 0; s < 3; ++s) {
    const auto j = nlohmann::json::parse(
        read_file(base / "a" / "annotations" / (std::string("instances_") + kSplits[s] + ".json")));
    ASSERT_EQ(j.at("images").size(), static_cast<size_t>(r.images[s]));
    std::map<int64_t, nlohmann::json> images;
    for (const auto& im : j.at("images")) {
      images[im.at("id").get<int64_t>()] = im;
      EXPECT_EQ(im.at("width").get<int>(), 64);
      EXPECT_EQ(im.at("height").get<int>(), 64);
      const fs::path file = base / "a" / kSplits[s] / im.at("file_name").get<std::string>();
      const cv::Mat m = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
      ASSERT_FALSE(m.empty()) << file;
      EXPECT_EQ(m.cols, 64);
      EXPECT_EQ(m.channels(), 3);
    }
    for (const auto& an : j.at("annotations")) {
      EXPECT_TRUE(annotation_ids.insert(an.at("id").get<int64_t>()).second);
      ASSERT_TRUE(images.count(an.at("image_id").get<int64_t>()));
      const auto bb = an.at("bbox").get<std::vector<int>>();
      ASSERT_EQ(bb.size(), 4u);
      EXPECT_GE(bb[0], 0);
      EXPECT_GE(bb[1], 0);
      EXPECT_GT(bb[2], 0);
      EXPECT_GT(bb[3], 0);
      EXPECT_LE(bb[0] + bb[2], 64);
      EXPECT_LE(bb[1] + bb[3], 64);
      EXPECT_EQ(an.at("area").get<int>(), bb[2] * bb[3]);
      EXPECT_EQ(an.at("iscrowd").get<int>(), 0);
      const int cat = an.at("category_id").get<int>();
      EXPECT_GE(cat, 1);
      EXPECT_LE(cat, kInspectionDefects);
      ++boxes;
    }
    ASSERT_EQ(j.at("categories").size(), 5u);
    EXPECT_EQ(j["categories"][0]["name"], "scratch");
    EXPECT_EQ(j["categories"][4]["id"], 5);
    EXPECT_EQ(j["categories"][4]["name"], "missing");
    EXPECT_EQ(j["categories"][4]["supercategory"], "defect");
    int64_t reported = 0;
    for (int d = 0; d < kInspectionDefects; ++d) reported += r.boxes[s][d];
    EXPECT_EQ(static_cast<int64_t>(j.at("annotations").size()), reported);
  }
  EXPECT_GT(boxes, 0);
}

TEST(InspectionSynth, ReplacesOnlyItsOwnOutput) {
  const auto dir = testing::temp_dir() / "set";
  InspectionSynthOptions o{.out = dir, .images = 12, .size = 48, .seed = 1};
  synthesize_inspection(o);  // a fresh folder
  EXPECT_TRUE(fs::exists(dir / "test" / "000009.png"));
  o.images = 3;
  synthesize_inspection(o);  // its own previous output: replaced, nothing stale left
  EXPECT_FALSE(fs::exists(dir / "test" / "000009.png"));
  EXPECT_TRUE(fs::exists(dir / "train" / "000002.png"));

  const auto other = testing::temp_dir() / "someones-data";
  fs::create_directories(other);
  write_file_atomic(other / "keep.txt", "x");
  o.out = other;
  EXPECT_HWNAS_ERROR(synthesize_inspection(o), "is not an output of hwnas data inspection-synth");
  EXPECT_TRUE(fs::exists(other / "keep.txt"));
  EXPECT_FALSE(fs::exists(other.string() + ".partial"));

  const auto empty = testing::temp_dir() / "empty";
  fs::create_directories(empty);
  o.out = empty;
  synthesize_inspection(o);  // an empty folder is fine
  EXPECT_TRUE(fs::exists(empty / "README.txt"));
}

TEST(InspectionSynth, BadOptions) {
  const auto dir = testing::temp_dir() / "bad";
  EXPECT_HWNAS_ERROR(synthesize_inspection({.out = dir, .images = 0}), "--images must be at least 1, got 0");
  EXPECT_HWNAS_ERROR(synthesize_inspection({.out = dir, .images = 5, .size = 8}), "image size must be in 32..2048");
  EXPECT_HWNAS_ERROR(synthesize_inspection({.images = 5}), "no output folder given");
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace hwnas::data
