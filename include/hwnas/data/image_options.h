#pragma once
// How image datasets (Fashion-MNIST, CIFAR-10, image folders) turn pixels into the floats a
// network sees, and how they augment training examples.
//
//   pixel in [0, 255] -> v / 255 -> (v - mean[c]) / std[c]       (mean 0, std 1 by default)
//   augment: a random horizontal flip, then a shift by up to pad_crop pixels (zero padding
//   and a random crop back to size), as CIFAR training usually does.
//   image folders only: resize (shorter side, or the whole image when no crop is given) and
//   centre crop, the usual ImageNet-style evaluation ("resize 256, crop 224").
#include <cstdint>
#include <vector>

#include "hwnas/core/rng.h"

namespace hwnas::data {

struct ImageOptions {
  int resize = 0;           // image folders: see above (0: none)
  int crop = 0;             // image folders: centre crop to crop x crop (0: none)
  std::vector<float> mean;  // per channel, on [0, 1] pixels; empty: 0
  std::vector<float> std;   // per channel; empty: 1
  bool flip = true;         // augmentation: random horizontal flip
  int pad_crop = 4;         // augmentation: random shift by up to this many pixels
};

// Writes an H x W x C uint8 image (HWC) as normalised floats to `out`, augmented when `augment`.
void image_to_floats(const uint8_t* hwc, int h, int w, int c, const ImageOptions& options, bool augment, Rng& rng,
                     float* out);

}  // namespace hwnas::data
