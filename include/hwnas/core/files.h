#pragma once
// Whole-file reads and crash-safe writes. A write goes to a temporary file in the same
// folder and is renamed over the target, so a reader never sees a half-written result.
#include <filesystem>
#include <string>
#include <string_view>

namespace hwnas {

std::string read_file(const std::filesystem::path& path);  // Error names the file if unreadable
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);
// Publishes a folder written complete under `tmp` as `out`, replacing an earlier `out`: a reader
// sees the old folder or the new one, never half of either (generators of datasets use it).
void publish_folder(const std::filesystem::path& tmp, const std::filesystem::path& out);

}  // namespace hwnas
