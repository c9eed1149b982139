#pragma once
// Fits a batch to a network whose input has another size: H and W zero-padded (centred) or
// centre-cropped, one gray channel copied to every channel the network takes. How zero-cost
// proxies of CIFAR-sized networks (32x32x3) run on the data this machine has (Fashion-MNIST,
// 28x28x1): NB201's own CIFAR pipeline pads by 4 before cropping, so padding keeps the images
// as they are rather than resampling them.
//
//   data::Batch b = ds->batch(data::Split::train, idx);          // {N, 28, 28, 1}
//   data::Batch f = data::fit_batch(b, {32, 32, 3});              // {N, 32, 32, 3}
//   data::describe_fit(b, {32, 32, 3});   // "28x28x1 zero-padded to 32x32, gray copied to 3 channels"
#include <array>
#include <string>

#include "hwnas/data/dataset.h"

namespace hwnas::data {

// Error when the channels differ and the batch's are not 1.
Batch fit_batch(const Batch& b, std::array<int, 3> hwc);
// What fit_batch does, for the figures' source line ("unchanged" when the shapes agree).
std::string describe_fit(const Batch& b, std::array<int, 3> hwc);

}  // namespace hwnas::data
