#include "hwnas/data/coco.h"

#include <opencv2/imgcodecs.hpp>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::data {
namespace {
namespace fs = std::filesystem;

// An instances file written from the COCO format description (cocodataset.org/#format-data):
// two images, categories with COCO-style sparse ids given out of order, one crowd box.
constexpr const char* kTrainJson = R"({
  "info": {"description": "hand-written"},
  "images": [
    {"id": 10, "file_name": "a.png", "width": 40, "height": 20},
    {"id": 11, "file_name": "b.png", "width": 30, "height": 30}
  ],
  "annotations": [
    {"id": 1, "image_id": 10, "category_id": 3, "bbox": [4, 2, 10, 6], "area": 60, "iscrowd": 0},
    {"id": 2, "image_id": 10, "category_id": 18, "bbox": [0, 0, 20, 10], "area": 200, "iscrowd": 1},
    {"id": 3, "image_id": 11, "category_id": 18, "bbox": [3.5, 3, 6, 9], "area": 54, "iscrowd": 0}
  ],
  "categories": [{"id": 18, "name": "dog", "supercategory": "animal"}, {"id": 3, "name": "car"}]
})";

// A solid RGB image (OpenCV writes BGR).
void solid(const fs::path& p, int h, int w, int r, int g, int b) {
  fs::create_directories(p.parent_path());
  cv::imwrite(p.string(), cv::Mat(h, w, CV_8UC3, cv::Scalar(b, g, r)));
}

// `text` with the first `from` replaced by `to` (the test fails when `from` is not there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(Coco, ReadsSplitsClassesAndBoxes) {
  const auto dir = testing::temp_dir();
  fs::create_directories(dir / "annotations");
  write_file_atomic(dir / "annotations/instances_train.json", kTrainJson);
  solid(dir / "train/a.png", 20, 40, 255, 0, 0);
  solid(dir / "train/b.png", 30, 30, 0, 0, 255);
  // COCO 2017 names for the validation split: one image, no annotations.
  write_file_atomic(dir / "annotations/instances_val2017.json",
                    R"({"images": [{"id": 1, "file_name": "c.png", "width": 8, "height": 8}], "annotations": [],
                        "categories": [{"id": 3, "name": "car"}, {"id": 18, "name": "dog"}]})");
  const Coco coco = read_coco(dir);
  // Ascending category id: 3 (car) is class 0, 18 (dog) class 1.
  EXPECT_EQ(coco.class_names, (std::vector<std::string>{"car", "dog"}));
  EXPECT_EQ(coco.category_ids, (std::vector<int64_t>{3, 18}));
  const CocoSplit& train = coco.split(Split::train);
  ASSERT_EQ(train.images.size(), 2u);
  EXPECT_EQ(train.objects(), 3);
  EXPECT_EQ(coco.split(Split::validation).images.size(), 1u);
  EXPECT_EQ(coco.split(Split::validation).images[0].file, dir / "val2017/c.png");
  EXPECT_TRUE(coco.split(Split::test).images.empty());
  EXPECT_TRUE(coco.split(Split::test).annotations.empty());

  const CocoImage& a = train.images[0];
  EXPECT_EQ(a.id, 10);
  EXPECT_EQ(a.file, dir / "train/a.png");
  EXPECT_EQ(a.width, 40);
  EXPECT_EQ(a.height, 20);
  ASSERT_EQ(a.objects.size(), 2u);
  EXPECT_EQ(a.objects[0].label, 0);
  EXPECT_FALSE(a.objects[0].crowd);
  EXPECT_EQ(a.objects[0].box.x, 4);
  EXPECT_EQ(a.objects[0].box.w, 10);
  EXPECT_EQ(a.objects[1].label, 1);
  EXPECT_TRUE(a.objects[1].crowd);
  EXPECT_EQ(train.images[1].objects[0].box.x, 3.5);

  // 40 x 20 (w x h) resized to h 10, w 20: both axes halve, and so do the boxes.
  const CocoExample e = load_coco_example(a, 10, 20);
  EXPECT_EQ(e.height, 10);
  EXPECT_EQ(e.width, 20);
  ASSERT_EQ(e.x.size(), 10u * 20 * 3);
  EXPECT_EQ(e.x[0], 1.0f);  // red, RGB order
  EXPECT_EQ(e.x[1], 0.0f);
  ASSERT_EQ(e.objects.size(), 2u);
  EXPECT_DOUBLE_EQ(e.objects[0].box.x, 2);
  EXPECT_DOUBLE_EQ(e.objects[0].box.y, 1);
  EXPECT_DOUBLE_EQ(e.objects[0].box.w, 5);
  EXPECT_DOUBLE_EQ(e.objects[0].box.h, 3);
  // 30 x 30 to 60 x 15 (h x w): y doubles, x halves.
  const CocoExample f = load_coco_example(train.images[1], 60, 15);
  EXPECT_DOUBLE_EQ(f.objects[0].box.x, 1.75);
  EXPECT_DOUBLE_EQ(f.objects[0].box.y, 6);
  EXPECT_DOUBLE_EQ(f.objects[0].box.w, 3);
  EXPECT_DOUBLE_EQ(f.objects[0].box.h, 18);
  EXPECT_EQ(f.x[2], 1.0f);  // blue

  // Splits must agree on the categories.
  write_file_atomic(dir / "annotations/instances_val2017.json",
                    R"({"images": [], "annotations": [], "categories": [{"id": 3, "name": "car"}]})");
  EXPECT_HWNAS_ERROR(read_coco(dir), "instances_val2017.json: categories: not the categories of");
}

TEST(Coco, MalformedAnnotationsSayWhereAndWhat) {
  const auto dir = testing::temp_dir();
  const fs::path file = dir / "instances_train.json";
  auto check = [&](const std::string& json, const std::string& needle) {
    write_file_atomic(file, json);
    EXPECT_HWNAS_ERROR(read_coco_annotations(file, dir), needle);
  };
  check(R"({"images": [)", "instances_train.json: not valid JSON");
  check(replaced(kTrainJson, R"("categories")", R"("cats")"),
        "instances_train.json: (top level): missing key 'categories'");
  check(replaced(kTrainJson, R"("file_name": "b.png", )", ""),
        "instances_train.json: images[1]: missing key 'file_name'");
  check(replaced(kTrainJson, R"("width": 30)", R"("width": "30")"), "images[1].width: expected an integer");
  check(
      replaced(kTrainJson, "[0, 0, 20, 10]", "[0, 0, 20, -10]"),
      "instances_train.json: annotations[1].bbox: negative size (width 20, height -10); COCO boxes are [x, y, width, height]");
  check(replaced(kTrainJson, "[0, 0, 20, 10]", "[0, 0, 20]"), "annotations[1].bbox: expected [x, y, width, height]");
  check(replaced(kTrainJson, R"("image_id": 11)", R"("image_id": 7)"),
        "annotations[2].image_id: no image has id 7; add it to 'images'");
  check(replaced(kTrainJson, R"("category_id": 3)", R"("category_id": 5)"),
        "annotations[0].category_id: no category has id 5; add it to 'categories'");
  check(replaced(kTrainJson, R"({"id": 11, )", R"({"id": 10, )"),
        "images[1].id: image id 10 is used by an earlier image");
  check(replaced(kTrainJson, R"({"id": 3, "name")", R"({"id": 18, "name")"),
        "categories: category id 18 is listed twice");
}

TEST(Coco, MissingFilesAreNamed) {
  const auto dir = testing::temp_dir();
  EXPECT_HWNAS_ERROR(read_coco(dir / "nope"), "nope: no such folder");
  EXPECT_HWNAS_ERROR(read_coco(dir), "no instances_train.json, instances_val.json");
  fs::create_directories(dir / "annotations");
  write_file_atomic(dir / "annotations/instances_test.json", kTrainJson);
  const Coco coco = read_coco(dir);
  EXPECT_HWNAS_ERROR(load_coco_example(coco.split(Split::test).images[0], 8, 8),
                     (dir / "test/a.png").string() + ": no such image (listed in the annotations as image id 10)");
  solid(dir / "test/a.png", 21, 40, 0, 0, 0);  // one row more than the JSON says
  EXPECT_HWNAS_ERROR(load_coco_example(coco.split(Split::test).images[0], 8, 8),
                     "image is 40 x 21 but the annotations say 40 x 20");
}

}  // namespace
}  // namespace hwnas::data
