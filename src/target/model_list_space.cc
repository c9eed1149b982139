#include "hwnas/target/model_list_space.h"

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/target/resolver.h"

namespace hwnas::target {

std::string model_list_name(const std::vector<std::string>& refs) {
  return fmt::format("models[{}]", fmt::join(refs, ", "));
}

namespace {

std::vector<std::string> checked(std::vector<std::string> refs) {
  if (refs.empty()) fail("space: models", "the list is empty; name at least one model");
  std::set<std::string> seen;
  for (const std::string& r : refs) {
    if (r.empty()) fail("space: models", "an empty model reference");
    if (!seen.insert(r).second) fail("space: models", "'{}' is listed twice", r);
    try {
      (void)resolve_model(r);  // fail now, naming the model, not in the middle of a search
    } catch (const Error& e) {
      throw e.within(fmt::format("space: models: '{}'", r));
    }
  }
  return refs;
}

}  // namespace

ModelListSpace::ModelListSpace(std::vector<std::string> refs)
    : SearchSpace(model_list_name(refs), {space::Decision{"model", checked(refs)}}) {}

std::string ModelListSpace::to_string(const space::Arch& a) const {
  check(a);
  return label(a, 0);
}

space::Arch ModelListSpace::parse(std::string_view s) const {
  const int i = decisions()[0].find(s);
  if (i < 0) fail(name(), "'{}' is not one of the listed models ({})", s, fmt::join(models(), ", "));
  return space::Arch{{i}};
}

ir::Graph ModelListSpace::decode(const space::Arch& a) const { return resolve_model(to_string(a)); }

}  // namespace hwnas::target
