#pragma once
// hwnas::data::Dataset: what training and evaluation code sees of any dataset, whatever its
// files look like: class names, the input shape of one example (NHWC without the N), the
// number of examples per split, and batches of plain float tensors with int labels.
// Implementations: SpeechCommands (MFCC features), FashionMnist, Cifar10, ImageFolder;
// open_dataset (open_dataset.h) makes one from a "<kind>:<path>" reference.
//
//   auto ds = hwnas::data::open_dataset("fashion-mnist:/usr/share/datasets/fashion-mnist");
//   std::vector<int64_t> idx = {0, 1, 2};
//   hwnas::data::Batch b = ds->batch(hwnas::data::Split::train, idx, {.augment = true, .seed = 7});
//   // b.shape = {3, 28, 28, 1}; b.x has 3*28*28 floats (NHWC); b.y has 3 labels
//
// Augmentation is deterministic: example i of a batch is augmented by a generator derived
// from (seed, split, index), so the same seed gives the same tensors whatever the batch is.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/core/rng.h"

namespace hwnas::data {

enum class Split { train, validation, test };
inline constexpr std::array<Split, 3> kSplits = {Split::train, Split::validation, Split::test};
std::string_view split_name(Split split);  // "train", "validation", "test"
Split parse_split(std::string_view name);  // also "val"; Error lists the names

struct Batch {
  std::array<int, 4> shape{};  // N, H, W, C
  std::vector<float> x;        // NHWC, row-major
  std::vector<int> y;          // one label per example, in 0..classes-1
};

struct BatchOptions {
  bool augment = false;  // the dataset's augmentation (noise and time shift, flips, crops)
  uint64_t seed = 0;
};

class Dataset {
 public:
  virtual ~Dataset() = default;

  virtual std::string kind() const = 0;  // "speech-commands", "fashion-mnist", ...
  virtual const std::string& path() const = 0;
  virtual const std::vector<std::string>& class_names() const = 0;
  virtual std::array<int, 3> input_shape() const = 0;  // H, W, C of one example
  virtual int64_t size(Split split) const = 0;         // 0 when the dataset has no such split
  virtual int label(Split split, int64_t index) const = 0;

  int num_classes() const { return static_cast<int>(class_names().size()); }
  std::string reference() const { return kind() + ":" + path(); }
  int64_t example_floats() const;                        // H * W * C
  std::vector<int64_t> class_counts(Split split) const;  // examples per class
  // The examples at `indices` of `split`; an index out of range is an Error.
  Batch batch(Split split, std::span<const int64_t> indices, const BatchOptions& options = {}) const;

 protected:
  // Writes example `index` of `split` (example_floats() values, HWC) to `out`. `rng` is this
  // example's own generator, to be used only when `augment` is set.
  virtual void example(Split split, int64_t index, bool augment, Rng& rng, float* out) const = 0;
};

}  // namespace hwnas::data
