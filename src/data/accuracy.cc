#include "hwnas/data/accuracy.h"

#include <limits>

#include "hwnas/core/error.h"

namespace hwnas::data {

Accuracy accuracy_of(std::span<const int> labels, std::span<const int> predicted, int classes) {
  if (labels.size() != predicted.size())
    fail("accuracy", "{} labels but {} predictions", labels.size(), predicted.size());
  if (classes < 1) fail("accuracy", "needs at least one class, got {}", classes);
  Accuracy a;
  a.confusion.assign(classes, std::vector<int64_t>(classes, 0));
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= classes || predicted[i] < 0 || predicted[i] >= classes)
      fail("accuracy", "example {}: label {} / prediction {} outside 0..{}", i, labels[i], predicted[i], classes - 1);
    ++a.confusion[labels[i]][predicted[i]];
    a.correct += labels[i] == predicted[i];
  }
  a.examples = static_cast<int64_t>(labels.size());
  a.top1 = a.examples ? 100.0 * static_cast<double>(a.correct) / static_cast<double>(a.examples) : 0.0;
  for (int c = 0; c < classes; ++c) {
    int64_t n = 0;
    for (int64_t v : a.confusion[c]) n += v;
    a.per_class.push_back(n ? 100.0 * static_cast<double>(a.confusion[c][c]) / static_cast<double>(n)
                            : std::numeric_limits<double>::quiet_NaN());
  }
  return a;
}

}  // namespace hwnas::data
