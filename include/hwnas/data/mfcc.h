#pragma once
// The MFCC front end of the MLPerf Tiny keyword-spotting reference (tiny/benchmark/training/
// keyword_spotting/get_dataset.py), which uses tf.signal; this follows its definitions:
//   frames      frame_length = window, frame_step = stride, no end padding:
//               frames = 1 + (clip - window) / stride (49 for 1 s, 30 ms, 20 ms at 16 kHz)
//   stft        periodic Hann window, FFT of the smallest power of 2 >= window (512),
//               magnitude |X| of bins 0..fft/2
//   mel         tf.signal.linear_to_mel_weight_matrix(bands, fft/2+1, rate, lower_hz, upper_hz):
//               HTK mel (1127 ln(1 + f/700)), triangles between bands+2 edges evenly spaced
//               in mel, bin 0 (DC) weighted 0
//   log         ln(mel + log_offset), offset 1e-6
//   mfcc        tf.signal.mfccs_from_log_mel_spectrograms: DCT-II (2 sum x_n cos(pi k (2n+1)
//               / 2N)) times 1/sqrt(2N); the first `coefficients` kept
// Defaults are the reference's: 16 kHz, 1 s, 30 ms window, 20 ms stride, 40 bands from 20 Hz
// to 4 kHz, 10 coefficients -> 49 x 10. Options exist because search spaces vary them.
//
//   hwnas::data::Mfcc mfcc({});                       // MLPerf Tiny KWS settings
//   std::vector<float> f = mfcc.compute(samples);     // samples in [-1, 1]; 49 x 10, row-major
//
// compute() is const and safe to call from several threads at once.
#include <compare>
#include <span>
#include <vector>

namespace hwnas::data {

struct MfccOptions {
  int sample_rate = 16000;
  double clip_ms = 1000;  // input is padded with zeros or cut to this length
  double window_ms = 30;
  double stride_ms = 20;
  int mel_bands = 40;
  int coefficients = 10;
  double lower_hz = 20;
  double upper_hz = 4000;
  double log_offset = 1e-6;

  auto operator<=>(const MfccOptions&) const = default;  // a front end is a cache key (trainer)
};

// The number of frames `o` gives a clip: 1 + (clip - window) / stride in whole samples, as Mfcc
// computes it; 0 when the window is longer than the clip or the stride is under one sample.
int mfcc_frames(const MfccOptions& o);

// `o` with the stride, and where needed the window, chosen so that a clip gives `frames` frames:
// a network's input height (a search space varies it) becomes the front end it trains on.
// The rule: the longest stride in whole milliseconds that gives `frames`, with the window kept at
// o.window_ms unless the stride is longer, in which case the window is the stride (frames then
// touch and no audio falls between them). Whole milliseconds because the published front ends
// are written so; the longest such stride spreads the frames over the whole clip. Over a 1 s
// clip with the 30 ms default window:
//   49 frames: stride 20 ms, window 30 ms (the MLPerf Tiny front end, unchanged)
//   25 frames: stride 40 ms, window 40 ms (Hello Edge's 40/40 front end)
//   13 frames: stride 76 ms, window 76 ms
// An Error when `frames` is below 1, more than a 1 ms stride gives, or falls between two whole-ms
// strides (99 frames: 9 ms gives 108, 10 ms gives 98); it names the nearest frame counts.
MfccOptions fit_frames(MfccOptions o, int frames);

class Mfcc {
 public:
  explicit Mfcc(const MfccOptions& options);  // Error on inconsistent options
  ~Mfcc();
  Mfcc(const Mfcc&) = delete;
  Mfcc& operator=(const Mfcc&) = delete;

  const MfccOptions& options() const { return options_; }
  int clip_samples() const { return clip_samples_; }
  int window_samples() const { return window_; }
  int stride_samples() const { return stride_; }
  int fft_length() const { return fft_; }
  int frames() const { return frames_; }
  int coefficients() const { return options_.coefficients; }

  // frames() x coefficients(), row-major (one row per frame): the H x W of an NHWC input.
  std::vector<float> compute(std::span<const float> samples) const;
  void compute(std::span<const float> samples, float* out) const;
  // frames() x mel_bands() log-mel spectrogram, the step before the DCT (for tests and
  // for networks that take log-mel input).
  std::vector<float> log_mel(std::span<const float> samples) const;

  // (fft/2+1) x mel_bands, row-major: tf.signal.linear_to_mel_weight_matrix.
  const std::vector<double>& mel_matrix() const { return mel_; }

 private:
  void log_mel_into(std::span<const float> samples, double* out) const;

  MfccOptions options_;
  int clip_samples_, window_, stride_, fft_, frames_;
  std::vector<double> hann_;
  std::vector<double> mel_;  // bins x bands
  std::vector<double> dct_;  // coefficients x bands
  void* plan_ = nullptr;     // fftw_plan, created once; executed on per-call buffers
};

// HTK mel scale, as tf.signal: 1127 ln(1 + hz / 700).
double hz_to_mel(double hz);

}  // namespace hwnas::data
