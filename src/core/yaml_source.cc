#include "hwnas/core/yaml_source.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool is_index(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "empty";
    case YAML::NodeType::Undefined:
      return "missing";
    default:
      return fmt::format("'{}'", n.Scalar());
  }
}

}  // namespace

std::string join_path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

YamlSource YamlSource::parse(std::string_view text, std::string file, const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    hwnas::fail(fmt::format("{}:{}:{}", file, e.mark.line + 1, e.mark.column + 1), "is not valid YAML: {}", e.msg);
  }
  if (!root.IsMap()) hwnas::fail(file, "expected a map of settings (key: value lines), got {}", type_name(root));
  YamlSource src(root, file);
  src.base_dir_ = std::filesystem::absolute(std::filesystem::path(file)).parent_path();
  for (const auto& o : overrides) src.apply_override(o);
  return src;
}

YamlSource YamlSource::load(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  return parse(read_file(path), path.string(), overrides);
}

void YamlSource::apply_override(const std::string& assignment) {
  const size_t eq = assignment.find('=');
  const std::string where = fmt::format("--set {}", assignment);
  if (eq == std::string::npos || eq == 0) hwnas::fail(where, "expected key=value, e.g. --set budget.trials=100");
  const std::string path = assignment.substr(0, eq);
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    hwnas::fail(where, "the value is not valid YAML: {}", e.msg);
  }
  const auto parts = split_path(path);
  // Walk down with reset() (yaml-cpp's operator= on a Node overwrites the node it refers to).
  YAML::Node cur;
  cur.reset(root_);
  std::string walked;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next;
    if (cur.IsSequence()) {
      if (!is_index(parts[i]) || std::stoul(parts[i]) >= cur.size())
        hwnas::fail(where, "{} is a list of {} items; use an index", walked, cur.size());
      next.reset(cur[std::stoul(parts[i])]);
    } else {
      if (!cur.IsMap() && !cur.IsNull()) hwnas::fail(where, "{} is {}, not a map", walked, type_name(cur));
      if (!cur[parts[i]]) cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next.reset(cur[parts[i]]);
    }
    cur.reset(next);
    walked = join_path(walked, parts[i]);
  }
  if (cur.IsSequence()) {
    if (!is_index(parts.back()) || std::stoul(parts.back()) >= cur.size())
      hwnas::fail(where, "{} is a list of {} items; use an index", walked, cur.size());
    cur[std::stoul(parts.back())] = value;
  } else {
    if (!cur.IsMap() && !cur.IsNull()) hwnas::fail(where, "{} is {}, not a map", walked, type_name(cur));
    cur[parts.back()] = value;
  }
  overridden_.insert(path);
}

std::filesystem::path YamlSource::resolve_path(const std::string& value, std::string_view path) const {
  std::filesystem::path p = value;
  if (p.is_relative() && !overridden(path)) p = base_dir_ / p;
  return std::filesystem::absolute(p).lexically_normal();
}

YAML::Node YamlSource::at(std::string_view path) const {
  YAML::Node cur;
  cur.reset(root_);
  for (const auto& part : split_path(path)) {
    YAML::Node next;
    if (cur.IsSequence() && is_index(part) && std::stoul(part) < cur.size()) next.reset(cur[std::stoul(part)]);
    else if (cur.IsMap() && cur[part]) next.reset(cur[part]);
    else return YAML::Node(YAML::NodeType::Undefined);
    cur.reset(next);
  }
  return cur;
}

bool YamlSource::overridden(std::string_view path) const {
  for (const auto& o : overridden_)
    if (path == o || (path.size() > o.size() && path.starts_with(o) && path[o.size()] == '.')) return true;
  return false;
}

std::string YamlSource::where(const YAML::Node& node, std::string_view path) const {
  if (overridden(path)) return fmt::format("--set {}", path);
  if (node.IsDefined() && node.Mark().line >= 0)
    return fmt::format("{}:{}: {}", file_, node.Mark().line + 1, path.empty() ? "(top level)" : path);
  return fmt::format("{}: {}", file_, path.empty() ? "(top level)" : path);
}

void YamlSource::fail(const YAML::Node& node, std::string_view path, const std::string& message) const {
  throw Error(where(node, path), message);
}

std::string YamlSource::key(const YAML::Node& key, std::string_view path) const {
  if (key.IsScalar()) return key.Scalar();
  if (key.IsNull()) return "";
  fail(key, path, fmt::format("a key is {}; keys are names (write `name: value`)", type_name(key)));
}

void YamlSource::check_keys(const YAML::Node& node, std::string_view path,
                            const std::vector<std::string>& allowed) const {
  require_map(node, path);
  for (const auto& kv : node) {
    const std::string key = this->key(kv.first, path);
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string guess = closest_match(key, allowed);
    fail(kv.first, join_path(path, key),
         fmt::format("unknown key{}; the keys here are: {}",
                     guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess), fmt::join(allowed, ", ")));
  }
}

void YamlSource::require_map(const YAML::Node& node, std::string_view path) const {
  if (!node.IsMap()) fail(node, path, fmt::format("expected a map of key: value, got {}", type_name(node)));
}

void YamlSource::require_list(const YAML::Node& node, std::string_view path) const {
  if (!node.IsSequence()) fail(node, path, fmt::format("expected a list, got {}", type_name(node)));
}

std::string YamlSource::get_string(const YAML::Node& node, std::string_view path) const {
  if (!node.IsScalar()) fail(node, path, fmt::format("expected a text value, got {}", type_name(node)));
  return node.Scalar();
}

double YamlSource::get_double(const YAML::Node& node, std::string_view path, std::string_view unit) const {
  if (node.IsScalar()) {
    double v;
    if (YAML::convert<double>::decode(node, v) && std::isfinite(v)) return v;
  }
  fail(node, path,
       fmt::format("expected a number{}, got {}", unit.empty() ? "" : fmt::format(" ({})", unit), type_name(node)));
}

int YamlSource::get_int(const YAML::Node& node, std::string_view path) const {
  if (node.IsScalar()) {
    int v;
    if (YAML::convert<int>::decode(node, v)) return v;
  }
  fail(node, path, fmt::format("expected a whole number, got {}", type_name(node)));
}

bool YamlSource::get_bool(const YAML::Node& node, std::string_view path) const {
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) return node.Scalar() == "true";
  fail(node, path, fmt::format("expected true or false, got {}", type_name(node)));
}

}  // namespace hwnas
