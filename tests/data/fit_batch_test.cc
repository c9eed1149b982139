#include "hwnas/data/fit_batch.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::data {
namespace {

// One 2x2 gray example [[1,2],[3,4]] padded to 4x4x3: a zero border of 1 all round, each pixel
// copied to 3 channels: row 1 is 0, (1,1,1), (2,2,2), 0.
TEST(FitBatch, PadsCentredAndCopiesGrayToEveryChannel) {
  const Batch b{{1, 2, 2, 1}, {1, 2, 3, 4}, {7}};
  const Batch f = fit_batch(b, {4, 4, 3});
  EXPECT_EQ(f.shape, (std::array<int, 4>{1, 4, 4, 3}));
  EXPECT_EQ(f.y, std::vector<int>{7});
  auto at = [&](int y, int x, int k) { return f.x[(y * 4 + x) * 3 + k]; };
  EXPECT_EQ(at(0, 0, 0), 0);
  EXPECT_EQ(at(1, 1, 0), 1);
  EXPECT_EQ(at(1, 1, 2), 1);
  EXPECT_EQ(at(1, 2, 1), 2);
  EXPECT_EQ(at(2, 1, 0), 3);
  EXPECT_EQ(at(2, 2, 2), 4);
  EXPECT_EQ(at(3, 3, 1), 0);
  EXPECT_EQ(describe_fit(b, {4, 4, 3}), "2x2x1 zero-padded to 4x4, gray copied to 3 channels");
}

// A 3x3 example 1..9 cropped to its centre 1x1: 5.
TEST(FitBatch, CropsCentred) {
  const Batch b{{1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {0}};
  EXPECT_EQ(fit_batch(b, {1, 1, 1}).x, std::vector<float>{5});
  EXPECT_EQ(describe_fit(b, {3, 3, 1}), "3x3x1, unchanged");
}

TEST(FitBatch, ColourToOtherChannelsIsAnError) {
  const Batch b{{1, 1, 1, 3}, {1, 2, 3}, {0}};
  EXPECT_HWNAS_ERROR(fit_batch(b, {1, 1, 1}), "has 3 channels per example and the network takes 1");
}

}  // namespace
}  // namespace hwnas::data
