#pragma once
// WAV files as Speech Commands stores them: 16-bit PCM, mono, 16 kHz. Anything else is an
// Error that names the file, what it has and what was expected, because a clip silently
// read at the wrong rate trains a model on the wrong features.
//
//   std::vector<int16_t> pcm = hwnas::data::read_wav("yes/abc_nohash_0.wav");     // 16 kHz
//   hwnas::data::write_wav("out.wav", pcm);                                       // atomic
//   std::string bytes = hwnas::data::encode_wav(pcm, 16000);                      // in memory
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas::data {

// A decoded WAV of any rate (what parse_wav found), for callers that resample.
struct WavData {
  int sample_rate = 0;
  int channels = 0;
  int bits = 0;
  std::vector<int16_t> samples;  // interleaved when channels > 1 (only 16-bit is decoded)
};

// Parses WAV bytes; `name` is used in errors. A data chunk whose size runs past the end (a
// WAV streamed to a pipe, as `espeak-ng --stdout` writes it) is read up to the end.
// Only 16-bit PCM is decoded; other widths are an Error naming the width.
WavData parse_wav(std::string_view bytes, const std::string& name);

// Reads a 16-bit PCM mono WAV at `expected_rate` Hz; another rate, width or channel count
// is an Error naming the file, what it has and what is expected.
std::vector<int16_t> read_wav(const std::filesystem::path& path, int expected_rate = 16000);

// Reads only the header and checks it as read_wav does; returns the number of samples.
// Cheap enough to check every file of a dataset when it is opened.
int64_t check_wav(const std::filesystem::path& path, int expected_rate = 16000);

// The bytes of a 16-bit PCM mono WAV (44-byte canonical header).
std::string encode_wav(std::span<const int16_t> samples, int sample_rate = 16000);

// Writes a 16-bit PCM mono WAV atomically (temporary file renamed over `path`).
void write_wav(const std::filesystem::path& path, std::span<const int16_t> samples, int sample_rate = 16000);

}  // namespace hwnas::data
