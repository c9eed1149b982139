#pragma once
// The NB201 space and one feature cache for a whole test program: the live features of all
// 15,625 archs cost 15,625 decodes, worth paying once (few-shot prior and residual tests).
#include "hwnas/cost/few_shot_prior.h"
#include "hwnas/space/search_space.h"

namespace hwnas::testing {

inline const space::SearchSpace& nb201() {
  static const auto s = space::make_space("nb201");
  return *s;
}

inline cost::ArchFeatures& nb201_features() {
  static cost::ArchFeatures f(nb201());
  return f;
}

}  // namespace hwnas::testing
