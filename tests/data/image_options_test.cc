#include "hwnas/data/image_options.h"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::data {
namespace {

TEST(ImageOptions, NormalisesPerChannel) {
  // One pixel, two channels: (51/255 - 0.1) / 0.5 = 0.2, (255/255 - 0.5) / 0.25 = 2.
  const uint8_t px[] = {51, 255};
  float out[2];
  Rng rng(0);
  image_to_floats(px, 1, 1, 2, {.mean = {0.1f, 0.5f}, .std = {0.5f, 0.25f}}, false, rng, out);
  EXPECT_NEAR(out[0], 0.2f, 1e-6);
  EXPECT_NEAR(out[1], 2.0f, 1e-6);
  image_to_floats(px, 1, 1, 2, {}, false, rng, out);  // defaults: v / 255
  EXPECT_NEAR(out[0], 0.2f, 1e-6);
  EXPECT_EQ(out[1], 1.0f);
}

TEST(ImageOptions, FlipMirrorsTheRow) {
  const uint8_t row[] = {10, 20, 30, 40};
  std::set<std::vector<int>> seen;
  for (uint64_t s = 0; s < 32; ++s) {
    Rng rng(s);
    float out[4];
    image_to_floats(row, 1, 4, 1, {.pad_crop = 0}, true, rng, out);
    std::vector<int> v;
    for (float f : out) v.push_back(static_cast<int>(std::lround(f * 255)));
    seen.insert(v);
  }
  EXPECT_EQ(seen, (std::set<std::vector<int>>{{10, 20, 30, 40}, {40, 30, 20, 10}}));
}

TEST(ImageOptions, ShiftMovesTheImageWithZerosComingIn) {
  // 3 x 3 image with pixel values 1..9: each augmented image is the input moved by (dy, dx)
  // in [-1, 1]^2, zeros where nothing moved in.
  uint8_t img[9];
  for (int i = 0; i < 9; ++i) img[i] = static_cast<uint8_t>(i + 1);
  std::set<std::pair<int, int>> shifts;
  for (uint64_t s = 0; s < 200; ++s) {
    Rng rng(s);
    float out[9];
    image_to_floats(img, 3, 3, 1, {.flip = false, .pad_crop = 1}, true, rng, out);
    bool found = false;
    for (int dy = -1; dy <= 1 && !found; ++dy)
      for (int dx = -1; dx <= 1 && !found; ++dx) {
        bool same = true;
        for (int y = 0; y < 3; ++y)
          for (int x = 0; x < 3; ++x) {
            const int sy = y + dy, sx = x + dx;
            const int want = (sy >= 0 && sy < 3 && sx >= 0 && sx < 3) ? img[sy * 3 + sx] : 0;
            same = same && std::lround(out[y * 3 + x] * 255) == want;
          }
        if (same) shifts.insert({dy, dx}), found = true;
      }
    EXPECT_TRUE(found) << "seed " << s;
  }
  EXPECT_EQ(shifts.size(), 9u);
}

TEST(ImageOptions, MeanOfTheWrongLengthIsAnError) {
  const uint8_t px[] = {0, 0, 0};
  float out[3];
  Rng rng(0);
  EXPECT_HWNAS_ERROR(image_to_floats(px, 1, 1, 3, {.mean = {0.5f}}, false, rng, out), "one value per channel (3)");
}

}  // namespace
}  // namespace hwnas::data
