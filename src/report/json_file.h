#pragma once
// A JSON file of a run's output folder, parsed, or a hwnas::Error naming the file, where it
// stops parsing and, when given, what to do about it.
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::report {

inline nlohmann::json read_json_file(const std::filesystem::path& file, std::string_view fix = {}) {
  try {
    return nlohmann::json::parse(read_file(file));
  } catch (const nlohmann::json::parse_error& e) {
    fail(file.string(), "not valid JSON: {}{}{}", e.what(), fix.empty() ? "" : "; ", fix);
  }
}

}  // namespace hwnas::report
