#include "hwnas/space/sample_distinct.h"

#include <unordered_set>

#include "hwnas/core/error.h"

namespace hwnas::space {

std::vector<Arch> sample_distinct(const SearchSpace& space, size_t n, Rng& rng) {
  const double size = space.size();
  if (static_cast<double>(n) > size)
    fail(space.name(), "has {:.6g} architectures; cannot draw {} different ones (use enumerate for all of them)", size,
         n);
  // Rejection: sample() is uniform over distinct architectures, so keeping the first draw
  // of each is uniform without replacement. Even n == size needs only about size*ln(size)
  // draws, and n is bounded by what the caller can print or evaluate.
  std::vector<Arch> out;
  std::unordered_set<Arch, ArchHash> seen;
  out.reserve(n);
  while (out.size() < n) {
    Arch a = space.sample(rng);
    if (seen.insert(a).second) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace hwnas::space
