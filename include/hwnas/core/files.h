#pragma once
// Whole-file reads and crash-safe writes. A write goes to a temporary file in the same
// folder and is renamed over the target, so a reader never sees a half-written result.
#include <filesystem>
#include <string>
#include <string_view>

namespace hwnas {

std::string read_file(const std::filesystem::path& path);  // Error names the file if unreadable
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace hwnas
