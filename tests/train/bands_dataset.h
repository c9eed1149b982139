#pragma once
// A tiny learnable dataset for the trainer's tests (trainer_test.cc, qat_test.cc): 3 classes of
// 6x6x1 images, rows 2k and 2k+1 bright for class k, plus N(0, noise) fixed by (split, index);
// augmentation adds N(0, 0.2) more from the example's own generator. 240 train, 60 validation
// and 60 test examples.
#include <array>
#include <string>
#include <vector>

#include "hwnas/core/rng.h"
#include "hwnas/data/dataset.h"

namespace hwnas::train {

// `noise`: the standard deviation of the fixed noise (0.5 in the trainer's tests).
class Bands : public data::Dataset {
 public:
  explicit Bands(double noise = 0.5) : noise_(noise) {}
  std::string kind() const override { return "bands"; }
  const std::string& path() const override { return path_; }
  const std::vector<std::string>& class_names() const override { return names_; }
  std::array<int, 3> input_shape() const override { return {6, 6, 1}; }
  int64_t size(data::Split s) const override { return s == data::Split::train ? 240 : 60; }
  int label(data::Split s, int64_t i) const override { return static_cast<int>((i + static_cast<int>(s)) % 3); }

 protected:
  void example(data::Split s, int64_t i, bool augment, Rng& rng, float* out) const override {
    Rng noise(static_cast<uint64_t>(i) * 7 + static_cast<uint64_t>(s) * 100003);
    const int k = label(s, i);
    for (int p = 0; p < 36; ++p) {
      const int row = p / 6;
      out[p] =
          static_cast<float>((row / 2 == k ? 1.0 : 0.0) + noise_ * noise.normal() + (augment ? 0.2 * rng.normal() : 0));
    }
  }

 private:
  double noise_;
  std::string path_ = "memory";
  std::vector<std::string> names_ = {"top", "middle", "bottom"};
};

}  // namespace hwnas::train
