#include "hwnas/runtime/tensor.h"

#include <cmath>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "testing.h"

namespace hwnas::runtime {
namespace {

TEST(Tensor, ShapeAndOffsets) {
  Tensor t(ir::Shape{1, 2, 3, 4});
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.offset4(0, 1, 2, 3), 23);  // ((0*2 + 1)*3 + 2)*4 + 3
  EXPECT_HWNAS_ERROR(Tensor(ir::Shape{2, 2}, {1, 2, 3}), "shape [2,2] needs 4 values, got 3");
}

TEST(Tensor, MaxRelativeErrorIsRelativeToTheLargestOracleValue) {
  // |errors| = 0.1, 0, 0.5; largest |b| = 10 -> 0.05
  EXPECT_DOUBLE_EQ(max_relative_error(std::vector<float>{1.1f, -2, 10.5f}, std::vector<float>{1, -2, 10}),
                   static_cast<double>(10.5f - 10) / 10);
  EXPECT_DOUBLE_EQ(max_relative_error(std::vector<float>{0.5f}, std::vector<float>{0}), 0.5);  // all-zero oracle
  EXPECT_TRUE(std::isnan(max_relative_error(std::vector<float>{NAN, 1}, std::vector<float>{1, 1})));
  EXPECT_HWNAS_ERROR(max_relative_error(std::vector<float>{1}, std::vector<float>{1, 2}), "sizes differ");
}

}  // namespace
}  // namespace hwnas::runtime
