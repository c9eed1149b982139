#include "yaml_reader.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"

namespace hwnas::space {

std::string key_path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string index_path(std::string_view parent, size_t i) { return fmt::format("{}[{}]", parent, i); }

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      return fmt::format("'{}'", node.Scalar());
    default:
      return "nothing";
  }
}

void YamlReader::fail(const YAML::Node& node, std::string_view path, const std::string& message) const {
  const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  const std::string where = mark.is_null() ? file_ : fmt::format("{}:{}", file_, mark.line + 1);
  throw Error(path.empty() ? where : fmt::format("{}: {}", where, path), message);
}

void YamlReader::require_map(const YAML::Node& node, std::string_view path) const {
  if (!node.IsMap()) fail(node, path, fmt::format("expected a map of settings, got {}", describe(node)));
}

void YamlReader::check_keys(const YAML::Node& map, std::string_view path,
                            const std::vector<std::string>& allowed) const {
  require_map(map, path);
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      fail(kv.first, key_path(path, key), fmt::format("unknown key (expected {})", fmt::join(allowed, ", ")));
  }
}

YAML::Node YamlReader::required(const YAML::Node& map, std::string_view path, const std::string& key) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) fail(map, key_path(path, key), "is required");
  return n;
}

int YamlReader::positive_int(const YAML::Node& node, std::string_view path) const {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && v > 0) return v;
  }
  fail(node, path, fmt::format("expected a positive integer, got {}", describe(node)));
}

std::string YamlReader::string(const YAML::Node& node, std::string_view path) const {
  if (!node.IsScalar() || node.Scalar().empty())
    fail(node, path, fmt::format("expected a name, got {}", describe(node)));
  return node.Scalar();
}

bool YamlReader::boolean(const YAML::Node& node, std::string_view path) const {
  bool v = false;
  if (node.IsScalar() && YAML::convert<bool>::decode(node, v)) return v;
  fail(node, path, fmt::format("expected true or false, got {}", describe(node)));
}

}  // namespace hwnas::space
