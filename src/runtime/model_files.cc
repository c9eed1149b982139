#include "hwnas/runtime/model_files.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace hwnas::runtime {
namespace {

std::map<std::string, ModelFileReader>& readers() {
  static std::map<std::string, ModelFileReader> r;
  return r;
}

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

void register_model_file_reader(const std::string& extension, ModelFileReader reader) {
  readers()[lower(extension)] = std::move(reader);
}

const ModelFileReader* model_file_reader(const std::filesystem::path& path) {
  const auto it = readers().find(lower(path.extension().string()));
  return it == readers().end() ? nullptr : &it->second;
}

std::vector<std::string> model_file_extensions() {
  std::vector<std::string> out;
  for (const auto& [ext, reader] : readers()) out.push_back(ext);
  return out;
}

}  // namespace hwnas::runtime
