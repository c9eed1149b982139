#pragma once
// YamlSource: reads a YAML document with errors that point at the user's text. Every
// value is addressed by its dotted key path ("metrics.accuracy.column"); an error names the
// file, the line (from yaml-cpp's Mark) and the path, or "--set <path>" when the value came
// from a command-line override, so the user knows exactly which text to fix.
//
//   YamlSource src = YamlSource::load("exp.yaml", {"budget.trials=50"});
//   YAML::Node root = src.root();
//   src.check_keys(root, "", {"name", "space", "budget"});        // unknown key -> "did you mean"
//   int trials = src.get_int(root["budget"]["trials"], "budget.trials");
//   src.fail(node, "metrics.x", "is not a table");                // throws hwnas::Error
//   double hz = src.get_double(root["clock"], "clock", "Hz");      // "expected a number (Hz), got 'fast'"
//
// Used by experiment files (exp/) and device profiles (hw/); exp/yaml_source.h keeps the
// exp:: names.
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hwnas/core/suggest.h"  // closest_match, for "did you mean" in key errors

namespace hwnas {

class YamlSource {
 public:
  // Parses `text` (from `file`: named in errors; its folder anchors relative paths), then applies overrides "dotted.key=value"; the
  // value is parsed as YAML, so "3" is a number and "[1, 2]" a list. Numeric path parts index
  // lists ("constraints.0.max=25").
  static YamlSource parse(std::string_view text, std::string file, const std::vector<std::string>& overrides = {});
  static YamlSource load(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

  YamlSource() = default;

  const YAML::Node& root() const { return root_; }
  const std::string& file() const { return file_; }
  bool overridden(std::string_view path) const;
  // The node at a dotted path (numeric parts index lists); an undefined node when absent.
  YAML::Node at(std::string_view path) const;  // the value at path (or a parent) came from --set

  // A path value: relative paths written in the file are relative to the file's folder;
  // relative paths given with --set are relative to the current directory. Made absolute.
  std::filesystem::path resolve_path(const std::string& value, std::string_view path) const;

  // "file:line: path" or "--set path": where the value at `path` was written.
  std::string where(const YAML::Node& node, std::string_view path) const;
  [[noreturn]] void fail(const YAML::Node& node, std::string_view path, const std::string& message) const;

  // The text of a map key (`key` from iterating a map at `path`); an Error for a key that is a
  // list or a map (`? [a, b]: 1`), which yaml-cpp's as<std::string>() threw as its own type.
  std::string key(const YAML::Node& key, std::string_view path) const;
  // Throws on any key of map `node` not in `allowed`, suggesting the closest allowed key.
  void check_keys(const YAML::Node& node, std::string_view path, const std::vector<std::string>& allowed) const;
  void require_map(const YAML::Node& node, std::string_view path) const;
  void require_list(const YAML::Node& node, std::string_view path) const;
  std::string get_string(const YAML::Node& node, std::string_view path) const;
  // `unit`, when given, is named in the error: "expected a number (MACs per cycle), got 'fast'".
  double get_double(const YAML::Node& node, std::string_view path, std::string_view unit = {}) const;
  int get_int(const YAML::Node& node, std::string_view path) const;  // rejects 2.5 and "abc"
  bool get_bool(const YAML::Node& node, std::string_view path) const;  // true or false, nothing else

 private:
  YamlSource(YAML::Node root, std::string file) : root_(std::move(root)), file_(std::move(file)) {}
  void apply_override(const std::string& assignment);

  YAML::Node root_;
  std::string file_;
  std::filesystem::path base_dir_;
  std::set<std::string, std::less<>> overridden_;
};

// "path.key" joined with the parent path ("" at the root).
std::string join_path(std::string_view parent, std::string_view key);

}  // namespace hwnas
