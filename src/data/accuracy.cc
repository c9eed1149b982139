#include "hwnas/data/accuracy.h"

#include <limits>
#include <numeric>

#include "hwnas/core/error.h"

namespace hwnas::data {

Accuracy::Accuracy(std::vector<std::string> names)
    : class_names(std::move(names)), confusion(class_names.size(), std::vector<int64_t>(class_names.size(), 0)) {}

void Accuracy::add(int label, int predicted) {
  const int n = num_classes();
  if (label < 0 || label >= n) fail("accuracy", "label {} is out of range 0..{} ({} classes)", label, n - 1, n);
  if (predicted < 0 || predicted >= n)
    fail("accuracy", "prediction {} is out of range 0..{} ({} classes)", predicted, n - 1, n);
  ++confusion[label][predicted];
}

void Accuracy::merge(const Accuracy& other) {
  if (other.class_names != class_names)
    fail("accuracy", "cannot merge tallies of different classes ({} and {} classes)", num_classes(),
         other.num_classes());
  for (int t = 0; t < num_classes(); ++t)
    for (int p = 0; p < num_classes(); ++p) confusion[t][p] += other.confusion[t][p];
}

Accuracy tally(std::span<const int> labels, std::span<const int> predicted, std::vector<std::string> class_names) {
  if (labels.size() != predicted.size())
    fail("accuracy", "{} labels but {} predictions; each example needs both", labels.size(), predicted.size());
  Accuracy a(std::move(class_names));
  for (size_t i = 0; i < labels.size(); ++i) a.add(labels[i], predicted[i]);
  return a;
}

int64_t Accuracy::class_examples(int label) const {
  return std::accumulate(confusion.at(label).begin(), confusion.at(label).end(), int64_t{0});
}

int64_t Accuracy::examples() const {
  int64_t n = 0;
  for (int c = 0; c < num_classes(); ++c) n += class_examples(c);
  return n;
}

int64_t Accuracy::correct() const {
  int64_t n = 0;
  for (int c = 0; c < num_classes(); ++c) n += confusion[c][c];
  return n;
}

double Accuracy::top1() const {
  const int64_t n = examples();
  return n ? 100.0 * static_cast<double>(correct()) / static_cast<double>(n) : 0.0;
}

std::vector<double> Accuracy::per_class() const {
  std::vector<double> out(num_classes(), std::numeric_limits<double>::quiet_NaN());
  for (int c = 0; c < num_classes(); ++c)
    if (const int64_t n = class_examples(c))
      out[c] = 100.0 * static_cast<double>(confusion[c][c]) / static_cast<double>(n);
  return out;
}

int argmax(std::span<const float> scores) {
  int best = -1;
  for (int i = 0; i < static_cast<int>(scores.size()); ++i)
    if (!(scores[i] != scores[i]) && (best < 0 || scores[i] > scores[best])) best = i;
  // All NaN: the first index, so every example still gets a (wrong, most likely) prediction.
  if (best < 0 && !scores.empty()) best = 0;
  return best;
}

}  // namespace hwnas::data
