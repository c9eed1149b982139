#pragma once
// Helpers shared by the quant tests: seeded random samples for every graph input.
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/ir/graph.h"
#include "hwnas/runtime/tensor.h"

namespace hwnas::quant::testing {

// `count` samples, each one U(-1, 1) tensor per graph input, from Rng(seed + sample).
inline std::vector<std::vector<runtime::Tensor>> random_samples(const ir::Graph& g, int count, uint64_t seed) {
  std::vector<std::vector<runtime::Tensor>> samples;
  for (int s = 0; s < count; ++s) {
    Rng rng(seed + static_cast<uint64_t>(s));
    std::vector<runtime::Tensor> in;
    for (int id : g.inputs()) {
      in.emplace_back(g.node(id).shape);
      for (float& v : in.back().data) v = static_cast<float>(2 * rng.uniform() - 1);
    }
    samples.push_back(std::move(in));
  }
  return samples;
}

}  // namespace hwnas::quant::testing
