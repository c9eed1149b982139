#pragma once
// Helpers shared by the tests of every module.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"

namespace hwnas::testing {

// ../shared/data, as configured by CMake; HWNAS_SHARED_DATA overrides it.
inline std::filesystem::path shared_data() {
  if (const char* env = std::getenv("HWNAS_SHARED_DATA")) return env;
  return HWNAS_SHARED_DATA_DIR;
}

inline std::filesystem::path source_dir() { return HWNAS_SOURCE_DIR; }

// v rounded to `decimals` places, as published tables print figures (0.386 G -> 0.39).
inline double round_to(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

// The node of ir::Graph `g` named `name`; throws (failing the test) when there is none. A
// template, so that this header (used by core's tests too) needs no module above core.
template <class Graph>
const auto& node(const Graph& g, std::string_view name) {
  const auto id = g.find(name);
  if (!id) throw std::runtime_error("no node " + std::string(name));
  return g.node(*id);
}

// A fresh, empty directory under the system temp dir, unique to the running test.
inline std::filesystem::path temp_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir =
      std::filesystem::temp_directory_path() / (std::string("hwnas_") + info->test_suite_name() + "_" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs `statement`, expects a hwnas::Error whose what() contains `needle`.
#define EXPECT_HWNAS_ERROR(statement, needle)                                     \
  do {                                                                            \
    try {                                                                         \
      statement;                                                                  \
      ADD_FAILURE() << "expected hwnas::Error containing \"" << (needle) << "\""; \
    } catch (const hwnas::Error& hwnas_error_) {                                  \
      EXPECT_NE(std::string(hwnas_error_.what()).find(needle), std::string::npos) \
          << "error was: " << hwnas_error_.what();                                \
    }                                                                             \
  } while (0)

}  // namespace hwnas::testing
