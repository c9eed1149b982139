#include "hwnas/space/efficientnet_space.h"

#include "hwnas/models/efficientnet.h"

namespace hwnas::space {

EfficientNetSpace::EfficientNetSpace(int classes)
    : SearchSpace("efficientnet", {{"variant", {"b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"}}}), classes_(classes) {}

Arch EfficientNetSpace::parse(std::string_view s) const {
  if (s.find('=') != std::string_view::npos) return SearchSpace::parse(s);
  return Arch{{choice_at(0, s, 0)}};
}

ir::Graph EfficientNetSpace::decode(const Arch& a) const {
  check(a);
  // The label, not the index, names the variant: "b3" is B3 also in a restricted space.
  models::EfficientNetOptions o = models::efficientnet_variant(label(a, 0)[1] - '0');
  o.classes = classes_;
  return models::efficientnet(o);
}

}  // namespace hwnas::space
