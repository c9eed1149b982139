#pragma once
// Background noises for keyword-spotting data (the generator's _background_noise_ files):
// white (flat spectrum), pink (-3 dB per octave), brown (-6 dB per octave), and mains hum
// (50 or 60 Hz with decaying harmonics and a little hiss). Each is scaled to `peak`.
// Deterministic for a given Rng state.
//
//   hwnas::Rng rng(1);
//   std::vector<float> n = hwnas::data::pink_noise(16000 * 10, rng, 0.5f);   // 10 s at 16 kHz
#include <cstdint>
#include <vector>

#include "hwnas/core/rng.h"

namespace hwnas::data {

std::vector<float> white_noise(int64_t samples, Rng& rng, float peak = 0.5f);
std::vector<float> pink_noise(int64_t samples, Rng& rng, float peak = 0.5f);   // Voss-McCartney, 16 rows
std::vector<float> brown_noise(int64_t samples, Rng& rng, float peak = 0.5f);  // leaky integral of white
std::vector<float> hum_noise(int64_t samples, int sample_rate, double mains_hz, Rng& rng, float peak = 0.5f);

// Scales `x` so that its largest magnitude is `peak` (an all-zero signal stays zero).
void scale_to_peak(std::vector<float>& x, float peak);

}  // namespace hwnas::data
