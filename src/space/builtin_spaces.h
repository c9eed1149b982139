#pragma once
// The built-in spaces by name, set up for a task: make_space() and load_model() share this
// one list. Overrides that a space cannot honour (mbconv's resolution is one of its
// decisions) are errors that say where to set them instead.
#include <memory>
#include <string_view>

#include "hwnas/models/registry.h"
#include "hwnas/space/search_space.h"

namespace hwnas::space {

// nullptr when `name` is not a built-in space.
std::unique_ptr<SearchSpace> make_builtin_space(std::string_view name, const models::ModelOverrides& overrides);

}  // namespace hwnas::space
