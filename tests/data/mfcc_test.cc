#include "hwnas/data/mfcc.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <sstream>

#include <gtest/gtest.h>

#include "hwnas/core/rng.h"
#include "testing.h"

namespace hwnas::data {
namespace {

TEST(Mfcc, FrameCountAndFftLength) {
  // frames = 1 + (clip - window) / stride; fft = next power of two >= window.
  Mfcc kws({});
  EXPECT_EQ(kws.window_samples(), 480);
  EXPECT_EQ(kws.stride_samples(), 320);
  EXPECT_EQ(kws.fft_length(), 512);
  EXPECT_EQ(kws.frames(), 49);  // 1 + 15520 / 320: the MLPerf Tiny 49 x 10
  EXPECT_EQ(kws.coefficients(), 10);
  Mfcc b({.window_ms = 40, .stride_ms = 20});
  EXPECT_EQ(b.frames(), 49);  // 1 + 15360 / 320 = 49 (48 whole strides)
  EXPECT_EQ(b.fft_length(), 1024);
  Mfcc c({.window_ms = 30, .stride_ms = 10});
  EXPECT_EQ(c.frames(), 98);  // 1 + 15520 / 160 = 98
  Mfcc d({.clip_ms = 500, .window_ms = 25, .stride_ms = 10});
  EXPECT_EQ(d.frames(), 48);  // 1 + (8000 - 400) / 160 = 48
  EXPECT_EQ(d.fft_length(), 512);
}

// fit_frames: the longest whole-ms stride giving the frames, the window stretched to the stride
// when the stride is longer. By hand over 16,000 samples (16 per ms):
//   49: stride 20 ms = 320, window 30 ms = 480: 1 + 15520 / 320 = 1 + 48 = 49; at 21 ms
//       1 + 15520 / 336 = 47, so 20 is the longest (the MLPerf front end, unchanged).
//   25: stride 40 = 640, window 40 = 640: 1 + 15360 / 640 = 25; at 41 ms 1 + 15344 / 656 = 24.
//   13: stride 76 = 1216, window 1216: 1 + 14784 / 1216 = 13 (12.2); at 77 ms 1 + 14768 / 1232 = 12.
//   98: stride 10 = 160, window 480: 1 + 15520 / 160 = 98; 99 lies between 10 ms (98) and 9 ms
//       (1 + 15520 / 144 = 108).
TEST(Mfcc, FitFramesChoosesTheLongestWholeMillisecondStride) {
  const auto fitted = [](int frames) {
    const MfccOptions o = fit_frames({}, frames);
    return std::array<double, 3>{o.stride_ms, o.window_ms, static_cast<double>(Mfcc(o).frames())};
  };
  EXPECT_EQ(fitted(49), (std::array<double, 3>{20, 30, 49}));
  EXPECT_EQ(fit_frames({}, 49), MfccOptions{});  // the defaults, untouched
  EXPECT_EQ(fitted(25), (std::array<double, 3>{40, 40, 25}));
  EXPECT_EQ(fitted(13), (std::array<double, 3>{76, 76, 13}));
  EXPECT_EQ(fitted(98), (std::array<double, 3>{10, 30, 98}));
  EXPECT_EQ(fitted(1), (std::array<double, 3>{1000, 1000, 1}));
  EXPECT_EQ(mfcc_frames(fit_frames({}, 25)), 25);
  // Every count a 1 ms stride reaches either fits exactly or is an error naming its neighbours.
  EXPECT_HWNAS_ERROR(fit_frames({}, 99),
                     "no whole-millisecond stride gives 99 frames of a 1000 ms clip (10 ms gives 98, 9 ms gives 108); "
                     "give the network 98 or 108 frames");
  EXPECT_EQ(fitted(971), (std::array<double, 3>{1, 30, 971}));
  EXPECT_HWNAS_ERROR(fit_frames({}, 972), "a 1000 ms clip gives at most 971 frames (1 ms stride, 30 ms window)");
  EXPECT_HWNAS_ERROR(fit_frames({}, 0), "mfcc front end for 0 frames: a network's input needs at least one frame");
  // Other settings are kept: the coefficients, bands, clip.
  const MfccOptions half = fit_frames({.clip_ms = 500, .coefficients = 13}, 24);  // 1 + 470 / 20 = 24
  EXPECT_EQ(half.stride_ms, 20);
  EXPECT_EQ(half.coefficients, 13);
  EXPECT_EQ(half.clip_ms, 500);
}

TEST(Mfcc, SilenceIsTheLogOffsetThroughTheDct) {
  // All-zero input: every log-mel value is ln(1e-6); the DCT of a constant L over N bands is
  // sqrt(2N) L for k = 0 (2 N L / sqrt(2N)) and 0 for k > 0.
  Mfcc m({});
  const auto out = m.compute(std::vector<float>(16000, 0.0f));
  ASSERT_EQ(out.size(), 490u);
  const double c0 = std::sqrt(80.0) * std::log(1e-6);  // -123.5696...
  for (int f = 0; f < 49; ++f) {
    EXPECT_NEAR(out[f * 10], c0, 1e-4);
    for (int k = 1; k < 10; ++k) EXPECT_NEAR(out[f * 10 + k], 0.0, 1e-4);
  }
  // A short input is padded with zeros: the same result.
  EXPECT_EQ(m.compute(std::vector<float>(100, 0.0f)), out);
}

TEST(Mfcc, DcSignalOnlyLeaksIntoTheFirstBand) {
  // A 512-sample (32 ms) periodic Hann window over a constant a has a DFT of a N/2 at bin 0
  // and |a N/4| at bins +-1, nothing else. Bin 0 has no mel weight; bin 1 (31.25 Hz) falls
  // on the rising edge of band 0 only: weight (mel(31.25) - mel(20)) / step, with the step
  // (mel(4000) - mel(20)) / 41.
  Mfcc m({.window_ms = 32, .stride_ms = 32});
  ASSERT_EQ(m.fft_length(), 512);
  const double a = 0.5;
  const auto lm = m.log_mel(std::vector<float>(16000, static_cast<float>(a)));
  auto mel = [](double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); };
  const double step = (mel(4000) - mel(20)) / 41.0;
  const double w = (mel(31.25) - mel(20)) / step;              // 0.338...
  EXPECT_NEAR(lm[0], std::log(a * 512 / 4 * w + 1e-6), 1e-6);  // float output
  for (int k = 1; k < 40; ++k) EXPECT_NEAR(lm[k], std::log(1e-6), 1e-6) << "band " << k;
}

TEST(Mfcc, PureTonePeaksInTheBandCentredNearest) {
  // A 1 kHz tone: the loudest mel band is the one whose centre (edges evenly spaced in mel)
  // is nearest mel(1000): (mel(1000) - mel(20)) / step = 18.78 -> centre index 19 -> band 18.
  Mfcc m({.window_ms = 32, .stride_ms = 16});
  std::vector<float> tone(16000);
  for (int i = 0; i < 16000; ++i)
    tone[i] = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * 1000.0 * i / 16000.0));
  const auto lm = m.log_mel(tone);
  for (int f : {0, 10, m.frames() - 1}) {
    int best = 0;
    for (int k = 1; k < 40; ++k)
      if (lm[f * 40 + k] > lm[f * 40 + best]) best = k;
    EXPECT_EQ(best, 18) << "frame " << f;
  }
}

TEST(Mfcc, MelMatrixRowsAreTriangles) {
  // Each band's weights rise to at most 1 and every interior frequency between 20 Hz and
  // 4 kHz is covered by two neighbouring triangles summing to 1.
  Mfcc m({});
  const auto& w = m.mel_matrix();
  const int bins = 257;
  for (int b = 0; b < bins; ++b) {
    double sum = 0;
    for (int k = 0; k < 40; ++k) sum += w[b * 40 + k];
    const double hz = 8000.0 * b / 256;
    if (b == 0 || hz >= 4000) {
      EXPECT_EQ(sum, 0.0) << "bin " << b;
    } else if (hz > 80 && hz < 3800) {  // between the centres of the first and last band
      EXPECT_NEAR(sum, 1.0, 1e-9) << "bin " << b;
    }
  }
}

// Runs tests/data/mfcc_reference.py (numpy) on `x` and compares with Mfcc::compute.
void compare_with_numpy(const MfccOptions& o, const std::vector<float>& x) {
  const auto dir = testing::temp_dir();
  std::ofstream(dir / "x.f32", std::ios::binary)
      .write(reinterpret_cast<const char*>(x.data()), static_cast<std::streamsize>(x.size() * 4));
  const char* py = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const std::string cmd = fmt::format("{} {} {} {} {} {} {} {} {} {} {} {}", py,
                                      (testing::source_dir() / "tests/data/mfcc_reference.py").string(),
                                      (dir / "x.f32").string(), (dir / "ref.txt").string(), o.sample_rate, o.clip_ms,
                                      o.window_ms, o.stride_ms, o.mel_bands, o.coefficients, o.lower_hz, o.upper_hz);
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(dir / "ref.txt");
  std::vector<double> ref;
  for (double v; in >> v;) ref.push_back(v);
  Mfcc m(o);
  const auto out = m.compute(x);
  ASSERT_EQ(ref.size(), out.size());
  double worst = 0;
  for (size_t i = 0; i < out.size(); ++i) worst = std::max(worst, std::abs(out[i] - ref[i]));
  EXPECT_LT(worst, 1e-4) << "largest difference from numpy";
}

std::vector<float> test_signal(int n, uint64_t seed) {
  // Speech-like: two tones with a rising pitch, an envelope and noise.
  Rng rng(seed);
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) {
    const double t = i / 16000.0, env = std::sin(std::numbers::pi * t);
    x[i] = static_cast<float>(env * (0.3 * std::sin(2 * std::numbers::pi * (200 + 300 * t) * t) +
                                     0.2 * std::sin(2 * std::numbers::pi * 1800 * t)) +
                              0.05 * rng.normal());
  }
  return x;
}

TEST(Mfcc, MatchesNumpyReferenceMlperfSettings) { compare_with_numpy({}, test_signal(16000, 1)); }

TEST(Mfcc, MatchesNumpyReferenceOtherSettings) {
  compare_with_numpy({.clip_ms = 500,
                      .window_ms = 25,
                      .stride_ms = 10,
                      .mel_bands = 30,
                      .coefficients = 13,
                      .lower_hz = 50,
                      .upper_hz = 7000},
                     test_signal(12000, 2));  // longer than the clip: cut
}

TEST(Mfcc, BadOptionsAreErrors) {
  EXPECT_HWNAS_ERROR(Mfcc({.coefficients = 50}), "coefficients must be in 1..mel_bands (40), got 50");
  EXPECT_HWNAS_ERROR(Mfcc({.clip_ms = 10}), "clip of 10 ms is shorter than the 30 ms window");
  EXPECT_HWNAS_ERROR(Mfcc({.upper_hz = 9000}), "upper_hz <= rate/2");
}

}  // namespace
}  // namespace hwnas::data
