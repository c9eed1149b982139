#pragma once
// data::Accuracy: the tally of a classifier's predictions on labelled examples: a confusion
// matrix, and from it top-1, per-class accuracy and counts. Plain data below every module that
// computes accuracy (eval/accuracy.h runs a graph on a runtime backend; the trainer counts its
// validation epochs), so that both report the same figures the same way.
//
//   data::Accuracy a(ds->class_names());
//   a.add(/*label=*/3, /*predicted=*/data::argmax(logits));
//   a.top1();          // percent of examples whose prediction is their label
//   a.per_class()[3];  // percent of the examples of class 3 predicted as 3 (NaN: no example)
//   a.confusion[3][5]; // examples of class 3 predicted as 5
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace hwnas::data {

struct Accuracy {
  Accuracy() = default;
  explicit Accuracy(std::vector<std::string> class_names);

  std::vector<std::string> class_names;
  std::vector<std::vector<int64_t>> confusion;  // [true class][predicted class]

  int num_classes() const { return static_cast<int>(class_names.size()); }
  // Counts one example; a label or prediction outside 0..num_classes()-1 is an Error.
  void add(int label, int predicted);
  // Adds another tally of the same classes (Error otherwise), e.g. of another thread's share.
  void merge(const Accuracy& other);

  int64_t examples() const;
  int64_t correct() const;                  // the diagonal
  int64_t class_examples(int label) const;  // a row sum
  double top1() const;                      // percent; 0 when there is no example
  std::vector<double> per_class() const;    // percent per true class; NaN for a class without examples
};

// The tally of paired labels and predictions (Error when their lengths differ or one is out of
// range), e.g. of a split evaluated in one go.
Accuracy tally(std::span<const int> labels, std::span<const int> predicted, std::vector<std::string> class_names);

// The index of the largest value, the first on ties (as torch.argmax); -1 for an empty span.
// NaN never wins (all NaN: 0).
int argmax(std::span<const float> scores);

}  // namespace hwnas::data
