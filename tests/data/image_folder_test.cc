#include "hwnas/data/image_folder.h"

#include <opencv2/imgcodecs.hpp>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::data {
namespace {
namespace fs = std::filesystem;

// A solid image in RGB; OpenCV writes BGR, so the colour is swapped on the way out.
void solid(const fs::path& p, int h, int w, int r, int g, int b) {
  fs::create_directories(p.parent_path());
  cv::imwrite(p.string(), cv::Mat(h, w, CV_8UC3, cv::Scalar(b, g, r)));
}

TEST(ImageFolder, ClassSubfoldersAreTheTestSplitInRgb) {
  const auto dir = testing::temp_dir();
  solid(dir / "cat/a.png", 10, 20, 255, 0, 0);
  solid(dir / "cat/b.png", 30, 30, 0, 255, 0);
  solid(dir / "dog/a.png", 8, 8, 0, 0, 255);
  write_file_atomic(dir / "dog/notes.txt", "not an image");  // ignored
  ImageFolder f(dir, {});
  EXPECT_EQ(f.class_names(), (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(f.size(Split::test), 3);
  EXPECT_EQ(f.size(Split::train), 0);
  EXPECT_EQ(f.input_shape(), (std::array<int, 3>{10, 20, 3}));  // the first image's size
  const std::vector<int64_t> idx{0, 2};
  const auto b = f.batch(Split::test, idx);
  EXPECT_EQ(b.y, (std::vector<int>{0, 1}));
  EXPECT_EQ(b.x[0], 1.0f);  // red
  EXPECT_EQ(b.x[1], 0.0f);
  EXPECT_EQ(b.x[200 * 3 + 2], 1.0f);  // dog/a resized to 10 x 20, still blue
}

TEST(ImageFolder, ResizeAndCentreCrop) {
  const auto dir = testing::temp_dir();
  // 40 x 80 image: left half black, right half white. Shorter side to 20 -> 20 x 40; centre
  // crop 20 -> columns 10..29 of the resized image: left half black, right half white.
  fs::create_directories(dir / "x");
  cv::Mat m(40, 80, CV_8UC3, cv::Scalar(0, 0, 0));
  m(cv::Rect(40, 0, 40, 40)).setTo(cv::Scalar(255, 255, 255));
  cv::imwrite((dir / "x/a.png").string(), m);
  ImageFolder f(dir, {.resize = 20, .crop = 20});
  EXPECT_EQ(f.input_shape(), (std::array<int, 3>{20, 20, 3}));
  const auto px = f.pixels(Split::test, 0);
  EXPECT_EQ(px[(10 * 20 + 2) * 3], 0);     // left part: black
  EXPECT_EQ(px[(10 * 20 + 17) * 3], 255);  // right part: white
  ImageFolder g(dir, {.resize = 16});      // whole image squashed to 16 x 16
  EXPECT_EQ(g.pixels(Split::test, 0).size(), 16u * 16 * 3);
}

TEST(ImageFolder, SplitFolders) {
  const auto dir = testing::temp_dir();
  solid(dir / "train/a/1.jpg", 8, 8, 10, 10, 10);
  solid(dir / "train/b/1.jpg", 8, 8, 10, 10, 10);
  solid(dir / "val/b/1.jpg", 8, 8, 10, 10, 10);
  solid(dir / "test/a/1.jpg", 8, 8, 10, 10, 10);
  ImageFolder f(dir, {});
  EXPECT_EQ(f.size(Split::train), 2);
  EXPECT_EQ(f.size(Split::validation), 1);
  EXPECT_EQ(f.label(Split::validation, 0), 1);
  EXPECT_EQ(f.size(Split::test), 1);
  solid(dir / "test/c/1.jpg", 8, 8, 10, 10, 10);
  EXPECT_HWNAS_ERROR(ImageFolder(dir, {}), "class 'c' is not among the classes of");
}

TEST(ImageFolder, UnreadableImageNamesTheFile) {
  const auto dir = testing::temp_dir();
  solid(dir / "a/good.png", 8, 8, 1, 2, 3);
  write_file_atomic(dir / "a/zbad.jpg", "\xff\xd8 truncated jpeg");
  ImageFolder f(dir, {});
  const std::vector<int64_t> idx{1};
  EXPECT_HWNAS_ERROR(f.batch(Split::test, idx), "zbad.jpg: cannot read this image");
  EXPECT_HWNAS_ERROR(ImageFolder(dir / "missing", {}), "missing: no such folder");
}

}  // namespace
}  // namespace hwnas::data
