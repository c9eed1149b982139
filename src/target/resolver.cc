#include "hwnas/target/resolver.h"

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/hw/device.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/space/model_ref.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/restrict_space.h"

namespace hwnas::target {

std::unique_ptr<space::SearchSpace> resolve_space(std::string_view ref) {
  const size_t at = ref.rfind('@');
  if (at == std::string_view::npos) return space::make_space(ref);
  const hw::Device d = hw::load_device(ref.substr(at + 1));
  return restrict_space(*space::make_space(ref.substr(0, at)), d, d.default_dtype).space;
}

ir::Graph resolve_model(std::string_view ref, const models::ModelOverrides& overrides) {
  if (is_model_dir(ref)) {
    const std::string where = fmt::format("model '{}'", ref);
    if (overrides.resolution || overrides.classes)
      fail(where, "a trained model directory has fixed shapes; resolution and classes cannot be overridden");
    return ir::load_graph(model_dir_graph(ref));
  }
  if (const auto file = model_file(ref)) {
    if (overrides.resolution || overrides.classes)
      fail(std::string(ref),
           "a model file has fixed shapes; resolution and classes cannot be overridden (re-export it)");
    return file->graph;
  }
  // space::load_model reads built-in models, graph files and architectures of the spaces it
  // knows; it asks us only for the spaces restricted to a device, which it cannot know.
  return space::load_model(ref, overrides, [](std::string_view name, const models::ModelOverrides& o) {
    std::unique_ptr<space::SearchSpace> s;
    if (name.find('@') == std::string_view::npos) return s;
    if (o.resolution || o.classes)
      fail(std::string(name),
           "a space restricted to a device takes no resolution or classes overrides; restrict a "
           "YAML space that sets them instead");
    s = resolve_space(name);
    return s;
  });
}

}  // namespace hwnas::target
