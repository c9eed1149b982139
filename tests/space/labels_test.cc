#include "../../src/space/labels.h"

#include <gtest/gtest.h>

namespace hwnas::space {
namespace {

TEST(Labels, NumbersAsPapersWriteThem) {
  EXPECT_EQ(number_label(1.0), "1.0");
  EXPECT_EQ(number_label(1.2), "1.2");
  EXPECT_EQ(number_label(0.75), "0.75");
  EXPECT_EQ(number_labels(std::vector<int>{160, 224}), (std::vector<std::string>{"160", "224"}));
  EXPECT_EQ(number_labels(std::vector<double>{1, 1.2}), (std::vector<std::string>{"1.0", "1.2"}));
}

}  // namespace
}  // namespace hwnas::space
