#pragma once
// Sample-rate conversion for audio that does not come at 16 kHz (espeak-ng speaks at
// 22.05 kHz): band-limited interpolation with a Hann-windowed sinc of 2 x 16 taps, cut off at
// 95% of the lower Nyquist frequency so that nothing above the new Nyquist folds back.
//
//   std::vector<float> y = hwnas::data::resample(x, 22050, 16000);   // y.size() == x.size() * 16000 / 22050
#include <span>
#include <vector>

namespace hwnas::data {

std::vector<float> resample(std::span<const float> x, int from_rate, int to_rate);

}  // namespace hwnas::data
