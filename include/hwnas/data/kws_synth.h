#pragma once
// A keyword-spotting dataset spoken by espeak-ng, written in the Speech Commands v2 layout
// (speech_commands.h), so that anything trained on it runs unchanged on the real folder.
//
//   hwnas::data::KwsSynthOptions o{.out = "kws", .voices = 200, .per_word = 5, .seed = 1};
//   hwnas::data::KwsSynthReport r = hwnas::data::synthesize_kws(o);
//
// What it writes:
//   <out>/<word>/<voice>_nohash_<n>.wav   the 10 keywords and 25 other words, 1 s, 16 kHz
//   <out>/_background_noise_/*.wav        white, pink, brown, mains hum, babble of other
//                                         words, and room tone (silence and noise mixing)
//   <out>/validation_list.txt, testing_list.txt   by voice: every clip of a validation or
//                                         test voice, so no held-out voice is trained on
//   <out>/voices.txt                      each voice, its settings and its split
// A voice is an espeak-ng English accent (en-us, en-gb, scotland, ...) with a variant
// (+m1..+m8, +f1..+f5, +croak, +whisper, +klatt, named variants) and its own base pitch and
// rate; each clip varies rate, pitch, amplitude and intonation (punctuation), is trimmed, scaled
// to a random level, placed at a random point in the 1 s clip and, half the time, gets faint
// room noise. Every choice comes from a generator seeded by (seed, clip), so a seed gives the
// same files byte for byte whatever the number of jobs.
// Everything is written to <out>.partial and renamed to <out> at the end: a killed run leaves
// no <out> (the next run removes the .partial folder).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hwnas::data {

struct KwsSynthOptions {
  std::filesystem::path out;
  int voices = 200;            // distinct voices; 10% (at least 1) validation, 10% test
  int per_word = 5;            // clips per keyword per voice
  int unknown_per_voice = -1;  // clips of other words per voice; -1: 2 x per_word
  uint64_t seed = 1;
  int jobs = 2;                                               // espeak-ng processes at once
  bool overwrite = false;                                     // replace an existing <out>
  std::function<void(int64_t done, int64_t total)> progress;  // called from worker threads, serialised
};

struct KwsSynthReport {
  std::filesystem::path out;
  int voices[3] = {0, 0, 0};             // per split: train, validation, test
  int64_t word_clips[3] = {0, 0, 0};     // keyword and unknown clips per split
  int64_t silence_clips[3] = {0, 0, 0};  // 1 s noise chunks per split, as the loader cuts them
  double noise_seconds = 0;              // per background file
  double seconds = 0;                    // wall-clock time of the run
};

KwsSynthReport synthesize_kws(const KwsSynthOptions& options);

// The words: the 10 MLPerf Tiny keywords and the 25 other words of Speech Commands v2.
const std::vector<std::string>& kws_keywords();
const std::vector<std::string>& kws_unknown_words();
// Every voice the generator can use (language+variant), in a fixed order.
std::vector<std::string> kws_voice_pool();

}  // namespace hwnas::data
