#include "hwnas/learn/xgb_ubj.h"

#include <string>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/learn/xgb_regressor.h"
#include "testing.h"

namespace hwnas::learn {
namespace {

// An int64 in UBJ's big-endian order.
std::string be64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) s[i] = static_cast<char>(v & 0xff);
  return s;
}

TEST(XgbUbj, AcceptsTheModelsXgboostWrites) {
  std::vector<std::vector<float>> x;
  std::vector<double> y;
  for (int i = 0; i < 40; ++i) {
    x.push_back({static_cast<float>(i % 7), static_cast<float>(i % 3)});
    y.push_back(i % 7 > 3 ? 1.0 : 0.0);
  }
  XgbRegressor r({.trees = 3, .seed = 1});
  r.fit(x, y);
  const std::vector<std::string> trees = r.save_trees();
  ASSERT_EQ(trees.size(), 3u);
  for (const std::string& t : trees) EXPECT_NO_THROW(check_ubj_model(t, "tree"));
  EXPECT_EQ(XgbRegressor::load_trees(trees, 2).trees(), 3);
}

TEST(XgbUbj, LengthsPastTheEndAreErrors) {
  EXPECT_NO_THROW(check_ubj_model("{L" + be64(1) + "a" + "[$d#L" + be64(2) + std::string(8, '\0') + "}", "m"));
  EXPECT_HWNAS_ERROR(
      check_ubj_model("{L" + be64(uint64_t{1} << 50) + "a}", "m.json: model"),
      "m.json: model: not a valid XGBoost model: a length of 1125899906842624 runs past the end at byte 10");
  EXPECT_HWNAS_ERROR(check_ubj_model("{L" + be64(1) + "a[$d#L" + be64(3) + std::string(8, '\0') + "}", "m"),
                     "a length of 3 runs past the end");
  EXPECT_HWNAS_ERROR(check_ubj_model("{L" + be64(1) + "a[#L" + be64(1000) + "i\x01]}", "m"), "a length of 1000");
  EXPECT_HWNAS_ERROR(check_ubj_model("{L" + be64(1) + "a", "m"), "it ends early");
  EXPECT_HWNAS_ERROR(check_ubj_model("{L" + be64(1) + "aD" + be64(0) + "}", "m"), "unknown value type 'D'");
  EXPECT_HWNAS_ERROR(check_ubj_model("{L" + be64(1) + "a[$D#L" + be64(0) + "]}", "m"),
                     "typed array of unsupported type 'D'");
  EXPECT_HWNAS_ERROR(check_ubj_model(std::string(100, '['), "m"), "it nests too deep");
  EXPECT_HWNAS_ERROR(check_ubj_model("", "m"), "it ends early");
  // load_trees checks each buffer before XGBoost reads it.
  EXPECT_HWNAS_ERROR(XgbRegressor::load_trees({"{L" + be64(99) + "a}"}, 2),
                     "xgb_regressor tree 0: not a valid XGBoost model");
}

}  // namespace
}  // namespace hwnas::learn
