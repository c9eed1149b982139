#include "hwnas/space/model_ref.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "builtin_spaces.h"
#include "hwnas/core/error.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/space/yaml_space.h"

namespace hwnas::space {
namespace {

std::unique_ptr<SearchSpace> builtin_or_yaml_space(std::string_view name, const models::ModelOverrides& overrides) {
  if (!is_yaml_path(name)) return make_builtin_space(name, overrides);
  if (overrides.resolution || overrides.classes)
    fail(std::string(name), "set classes and input in the space file, not as overrides");
  return load_yaml_space(std::filesystem::path(name));
}

}  // namespace

bool has_fixed_shapes(std::string_view ref) {
  if (ref.ends_with(".json")) return true;
  for (std::string_view space_end : {".yaml:", ".yml:", ".yaml@", ".yml@"})
    if (ref.find(space_end) != std::string_view::npos) return true;
  return false;
}

ir::Graph load_model(std::string_view ref, const models::ModelOverrides& overrides, const SpaceMaker& maker) {
  const std::string where = fmt::format("model '{}'", ref);
  if (ref.ends_with(".json")) {
    if (overrides.resolution || overrides.classes)
      fail(where, "a graph file has fixed shapes; resolution and classes cannot be overridden");
    try {
      return ir::load_graph(std::filesystem::path(ref));
    } catch (const Error& e) {
      throw e.within(fmt::format("{} (read as a graph JSON file)", where));
    }
  }
  if (models::is_builtin_model(ref)) return models::builtin_model(ref, overrides);
  // "<space>:<arch>"; a YAML space path may itself contain ':' (C:\...), so split at the
  // first ':' after the .yaml/.yml suffix when there is one.
  size_t colon = std::string_view::npos;
  for (std::string_view suffix : {".yaml:", ".yml:"})
    if (const size_t p = ref.find(suffix); p != std::string_view::npos) colon = p + suffix.size() - 1;
  if (colon == std::string_view::npos) colon = ref.find(':');
  if (colon != std::string_view::npos) {
    const std::string_view space_name = ref.substr(0, colon), arch = ref.substr(colon + 1);
    try {
      std::unique_ptr<SearchSpace> s = maker ? maker(space_name, overrides) : nullptr;
      if (!s) s = builtin_or_yaml_space(space_name, overrides);
      if (!s)
        fail(fmt::format("space '{}'", space_name), "unknown search space (built-in: {}; or a .yaml/.yml file)",
             fmt::join(builtin_space_names(), ", "));
      return s->decode(s->parse(arch));
    } catch (const Error& e) {
      throw e.within(fmt::format("{} (read as <space>:<arch>)", where));
    }
  }
  fail(where, "is not a built-in model ({}), not <space>:<arch> (spaces: {}), and not a .json graph file",
       fmt::join(models::builtin_model_names(), ", "), fmt::join(builtin_space_names(), ", "));
}

}  // namespace hwnas::space
