#pragma once
// Reading a YAML space file with errors of the form "<file>:<line>: <yaml path>: <what>".
// (exp::YamlSource does the same for experiment files, but exp depends on space.)
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace hwnas::space {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // Throws hwnas::Error "<file>:<line>: <path>" + message.
  [[noreturn]] void fail(const YAML::Node& node, std::string_view path, const std::string& message) const;
  void require_map(const YAML::Node& node, std::string_view path) const;
  // Unknown keys are errors; the message lists the allowed ones.
  void check_keys(const YAML::Node& map, std::string_view path, const std::vector<std::string>& allowed) const;
  // map[key], failing at the map when it is missing.
  YAML::Node required(const YAML::Node& map, std::string_view path, const std::string& key) const;

  int positive_int(const YAML::Node& node, std::string_view path) const;
  std::string string(const YAML::Node& node, std::string_view path) const;
  bool boolean(const YAML::Node& node, std::string_view path) const;

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// "a.b", "a[3]": YAML paths as users read them.
std::string key_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, size_t i);
std::string describe(const YAML::Node& node);  // "'abc'", "a list", "a map", "nothing"

}  // namespace hwnas::space
