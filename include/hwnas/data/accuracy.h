#pragma once
// data::Accuracy: how well a classifier did on one split, whatever ran it (the libtorch
// trainer's evaluate(), a runtime backend): top-1, per-class accuracy and the confusion
// matrix, all from the labels and the predicted classes.
//
//   std::vector<int> labels = {0, 1, 1}, predicted = {0, 1, 0};
//   data::Accuracy a = data::accuracy_of(labels, predicted, /*classes=*/2);
//   a.top1;             // 66.67 (percent)
//   a.per_class[1];     // 50
//   a.confusion[1][0];  // 1: one example of class 1 predicted as 0
#include <cstdint>
#include <span>
#include <vector>

namespace hwnas::data {

struct Accuracy {
  int64_t examples = 0;
  int64_t correct = 0;
  double top1 = 0;                              // percent of examples whose prediction is the label
  std::vector<double> per_class;                // percent, per true class; NaN for a class with no example
  std::vector<std::vector<int64_t>> confusion;  // [true class][predicted class] counts
};

// Error when the spans differ in length or a label or prediction is outside 0..classes-1.
Accuracy accuracy_of(std::span<const int> labels, std::span<const int> predicted, int classes);

}  // namespace hwnas::data
