#include "hwnas/data/mfcc.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>

#include <fftw3.h>
#include <fmt/format.h>

#include "hwnas/core/error.h"

namespace hwnas::data {
namespace {

// FFTW's planner is not thread-safe; executing a finished plan is (fftw_execute_dft_r2c on
// buffers of the same alignment), so only plan creation and destruction take this lock.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

// Milliseconds to samples as the reference does: int(rate * ms / 1000), with a nudge so that
// 30 ms at 16 kHz is 480 and not 479.99.
int to_samples(double ms, int rate) { return static_cast<int>(rate * ms / 1000.0 + 1e-9); }

}  // namespace

double hz_to_mel(double hz) { return 1127.0 * std::log1p(hz / 700.0); }

int mfcc_frames(const MfccOptions& o) {
  const int clip = to_samples(o.clip_ms, o.sample_rate), window = to_samples(o.window_ms, o.sample_rate),
            stride = to_samples(o.stride_ms, o.sample_rate);
  if (stride < 1 || window < 1 || clip < window) return 0;
  return 1 + (clip - window) / stride;
}

MfccOptions fit_frames(MfccOptions o, int frames) {
  const std::string where = fmt::format("mfcc front end for {} frames", frames);
  if (frames < 1) fail(where, "a network's input needs at least one frame");
  const double window_ms = o.window_ms;
  const auto with_stride = [&](int ms) {
    MfccOptions t = o;
    t.stride_ms = ms;
    t.window_ms = std::max(window_ms, static_cast<double>(ms));  // no audio between frames
    return t;
  };
  const int most = mfcc_frames(with_stride(1));
  if (frames > most)
    fail(where, "a {} ms clip gives at most {} frames (1 ms stride, {} ms window); give the network at most {} frames",
         o.clip_ms, most, window_ms, most);
  // Frames only grow as the stride shrinks: walk down from a stride as long as the clip, and the
  // first stride that gives `frames` is the longest; one that overshoots means none does.
  int longer = 0;  // frames of the stride 1 ms longer
  for (int ms = std::max(1, static_cast<int>(std::ceil(o.clip_ms))); ms >= 1; --ms) {
    const int f = mfcc_frames(with_stride(ms));
    if (f == frames) return with_stride(ms);
    if (f > frames)
      fail(where,
           "no whole-millisecond stride gives {} frames of a {} ms clip ({} ms gives {}, {} ms gives {}); give the "
           "network {} or {} frames",
           frames, o.clip_ms, ms + 1, longer, ms, f, longer, f);
    longer = f;
  }
  fail(where, "no stride gives {} frames", frames);  // unreachable: a 1 ms stride gives `most` >= frames
}

Mfcc::Mfcc(const MfccOptions& o) : options_(o) {
  const std::string where = "mfcc options";
  if (o.sample_rate <= 0) fail(where, "sample_rate must be positive, got {}", o.sample_rate);
  clip_samples_ = to_samples(o.clip_ms, o.sample_rate);
  window_ = to_samples(o.window_ms, o.sample_rate);
  stride_ = to_samples(o.stride_ms, o.sample_rate);
  if (window_ < 2) fail(where, "window of {} ms is {} samples; need at least 2", o.window_ms, window_);
  if (stride_ < 1) fail(where, "stride of {} ms is under one sample", o.stride_ms);
  if (clip_samples_ < window_) fail(where, "clip of {} ms is shorter than the {} ms window", o.clip_ms, o.window_ms);
  if (o.mel_bands < 1) fail(where, "mel_bands must be at least 1, got {}", o.mel_bands);
  if (o.coefficients < 1 || o.coefficients > o.mel_bands)
    fail(where, "coefficients must be in 1..mel_bands ({}), got {}", o.mel_bands, o.coefficients);
  if (!(o.lower_hz >= 0 && o.lower_hz < o.upper_hz && o.upper_hz <= o.sample_rate / 2.0))
    fail(where, "need 0 <= lower_hz < upper_hz <= rate/2, got {} and {} Hz", o.lower_hz, o.upper_hz);
  frames_ = mfcc_frames(o);
  fft_ = 1;
  while (fft_ < window_) fft_ *= 2;

  hann_.resize(window_);  // periodic Hann: tf.signal.hann_window(periodic=True)
  for (int n = 0; n < window_; ++n) hann_[n] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * n / window_);

  // linear_to_mel_weight_matrix: bins at linspace(0, nyquist, bins); bin 0 gets no weight.
  const int bins = fft_ / 2 + 1, bands = o.mel_bands;
  mel_.assign(static_cast<size_t>(bins) * bands, 0.0);
  const double lo = hz_to_mel(o.lower_hz), hi = hz_to_mel(o.upper_hz);
  std::vector<double> edges(bands + 2);
  for (int i = 0; i < bands + 2; ++i) edges[i] = lo + (hi - lo) * i / (bands + 1);
  for (int b = 1; b < bins; ++b) {
    const double m = hz_to_mel(o.sample_rate / 2.0 * b / (bins - 1));
    for (int k = 0; k < bands; ++k) {
      const double lower = (m - edges[k]) / (edges[k + 1] - edges[k]);
      const double upper = (edges[k + 2] - m) / (edges[k + 2] - edges[k + 1]);
      mel_[static_cast<size_t>(b) * bands + k] = std::max(0.0, std::min(lower, upper));
    }
  }
  // mfccs_from_log_mel_spectrograms: unnormalised DCT-II scaled by 1/sqrt(2N).
  dct_.resize(static_cast<size_t>(o.coefficients) * bands);
  for (int k = 0; k < o.coefficients; ++k)
    for (int n = 0; n < bands; ++n)
      dct_[static_cast<size_t>(k) * bands + n] =
          2.0 * std::cos(std::numbers::pi * k * (2 * n + 1) / (2.0 * bands)) / std::sqrt(2.0 * bands);

  std::lock_guard lock(planner_mutex());
  double* in = fftw_alloc_real(fft_);
  fftw_complex* out = fftw_alloc_complex(bins);
  plan_ = fftw_plan_dft_r2c_1d(fft_, in, out, FFTW_ESTIMATE);
  fftw_free(in);
  fftw_free(out);
}

Mfcc::~Mfcc() {
  std::lock_guard lock(planner_mutex());
  fftw_destroy_plan(static_cast<fftw_plan>(plan_));
}

void Mfcc::log_mel_into(std::span<const float> samples, double* out) const {
  const int bins = fft_ / 2 + 1, bands = options_.mel_bands;
  // fftw_alloc_* gives the alignment the plan was made for, as new-array execution needs.
  double* in = fftw_alloc_real(fft_);
  fftw_complex* spec = fftw_alloc_complex(bins);
  std::vector<double> mag(bins);
  const int n = std::min<int>(static_cast<int>(samples.size()), clip_samples_);  // zero-padded beyond
  for (int f = 0; f < frames_; ++f) {
    const int start = f * stride_;
    for (int i = 0; i < fft_; ++i) {
      const int s = start + i;
      in[i] = (i < window_ && s < n) ? samples[s] * hann_[i] : 0.0;
    }
    fftw_execute_dft_r2c(static_cast<fftw_plan>(plan_), in, spec);
    for (int b = 0; b < bins; ++b) mag[b] = std::hypot(spec[b][0], spec[b][1]);
    for (int k = 0; k < bands; ++k) {
      double m = 0;
      for (int b = 1; b < bins; ++b) m += mag[b] * mel_[static_cast<size_t>(b) * bands + k];
      out[static_cast<size_t>(f) * bands + k] = std::log(m + options_.log_offset);
    }
  }
  fftw_free(in);
  fftw_free(spec);
}

std::vector<float> Mfcc::log_mel(std::span<const float> samples) const {
  std::vector<double> lm(static_cast<size_t>(frames_) * options_.mel_bands);
  log_mel_into(samples, lm.data());
  return {lm.begin(), lm.end()};
}

void Mfcc::compute(std::span<const float> samples, float* out) const {
  const int bands = options_.mel_bands, coeffs = options_.coefficients;
  std::vector<double> lm(static_cast<size_t>(frames_) * bands);
  log_mel_into(samples, lm.data());
  for (int f = 0; f < frames_; ++f)
    for (int k = 0; k < coeffs; ++k) {
      double c = 0;
      for (int n = 0; n < bands; ++n)
        c += dct_[static_cast<size_t>(k) * bands + n] * lm[static_cast<size_t>(f) * bands + n];
      out[static_cast<size_t>(f) * coeffs + k] = static_cast<float>(c);
    }
}

std::vector<float> Mfcc::compute(std::span<const float> samples) const {
  std::vector<float> out(static_cast<size_t>(frames_) * options_.coefficients);
  compute(samples, out.data());
  return out;
}

}  // namespace hwnas::data
