#pragma once
// n different architectures drawn uniformly from a space (sampling without replacement),
// in draw order: what `hwnas space sample` prints and what seeds an initial population.
// Deterministic given the Rng state.
//
//   hwnas::Rng rng(7);
//   std::vector<space::Arch> archs = space::sample_distinct(*space, 100, rng);
#include <cstddef>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/space/search_space.h"

namespace hwnas::space {

// Throws hwnas::Error naming the space's size when it has fewer than n architectures.
std::vector<Arch> sample_distinct(const SearchSpace& space, size_t n, Rng& rng);

}  // namespace hwnas::space
