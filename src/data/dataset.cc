#include "hwnas/data/dataset.h"

#include "hwnas/core/error.h"

namespace hwnas::data {

std::string_view split_name(Split split) {
  switch (split) {
    case Split::train:
      return "train";
    case Split::validation:
      return "validation";
    case Split::test:
      return "test";
  }
  return "?";
}

Split parse_split(std::string_view name) {
  if (name == "train") return Split::train;
  if (name == "validation" || name == "val") return Split::validation;
  if (name == "test") return Split::test;
  fail(std::string(name), "no such split; the splits are train, validation, test");
}

int64_t Dataset::example_floats() const {
  const auto s = input_shape();
  return static_cast<int64_t>(s[0]) * s[1] * s[2];
}

std::vector<int64_t> Dataset::class_counts(Split split) const {
  std::vector<int64_t> counts(class_names().size(), 0);
  for (int64_t i = 0, n = size(split); i < n; ++i) ++counts[label(split, i)];
  return counts;
}

Batch Dataset::batch(Split split, std::span<const int64_t> indices, const BatchOptions& options) const {
  const auto s = input_shape();
  const int64_t n = size(split), per = example_floats();
  Batch b;
  b.shape = {static_cast<int>(indices.size()), s[0], s[1], s[2]};
  b.x.resize(indices.size() * per);
  b.y.resize(indices.size());
  // One stream per (seed, split, index): an example's augmentation does not depend on which
  // batch it is in or on its position there.
  const Rng base = Rng(options.seed).fork(static_cast<uint64_t>(split) + 1);
  for (size_t i = 0; i < indices.size(); ++i) {
    const int64_t idx = indices[i];
    if (idx < 0 || idx >= n)
      fail(reference(), "{} example {} out of range (the {} split has {} examples)", split_name(split), idx,
           split_name(split), n);
    Rng rng = base.fork(static_cast<uint64_t>(idx));
    example(split, idx, options.augment, rng, b.x.data() + i * per);
    b.y[i] = label(split, idx);
  }
  return b;
}

}  // namespace hwnas::data
