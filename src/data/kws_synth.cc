#include "hwnas/data/kws_synth.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"
#include "hwnas/data/espeak.h"
#include "hwnas/data/noise.h"
#include "hwnas/data/wav.h"

namespace hwnas::data {
namespace fs = std::filesystem;
namespace {

constexpr int kRate = 16000;
constexpr int kClip = kRate;  // 1 s

struct Voice {
  std::string espeak;  // language+variant
  std::string name;    // file-name form: language-variant
  int pitch = 50, rate = 160;
  int split = 0;  // 0 train, 1 validation, 2 test
};

struct Job {
  int voice;
  std::string word;
  int n;  // clip number of this voice and word
  std::string file() const;
  const Voice* v = nullptr;
};

std::string Job::file() const { return word + "/" + v->name + "_nohash_" + std::to_string(n) + ".wav"; }

std::vector<int16_t> to_pcm(const std::vector<float>& x) {
  std::vector<int16_t> pcm(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    pcm[i] = static_cast<int16_t>(std::lround(std::clamp(x[i], -1.0f, 32767.0f / 32768.0f) * 32768.0f));
  return pcm;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) fail(path.string(), "cannot write");
}

// The speech between the first and last sample above 2% of the peak.
std::vector<float> trim(const std::vector<float>& x) {
  float peak = 0;
  for (float v : x) peak = std::max(peak, std::abs(v));
  if (peak == 0) return {};
  size_t a = 0, b = x.size();
  while (a < b && std::abs(x[a]) < 0.02f * peak) ++a;
  while (b > a && std::abs(x[b - 1]) < 0.02f * peak) --b;
  return {x.begin() + static_cast<std::ptrdiff_t>(a), x.begin() + static_cast<std::ptrdiff_t>(b)};
}

// One clip: the word spoken with this clip's variations, placed in 1 s. Returns the speech
// alone too (for the babble noise).
std::vector<float> make_clip(const Job& job, uint64_t seed, int64_t index, std::vector<float>* speech_out) {
  Rng rng = Rng(seed).fork(1000 + static_cast<uint64_t>(index));
  static const char* kIntonation[] = {"", ".", "!", "?", ","};
  SpeechParams p{.voice = job.v->espeak,
                 .rate = std::clamp(job.v->rate + rng.uniform_int(-30, 30), 90, 260),
                 .pitch = std::clamp(job.v->pitch + rng.uniform_int(-15, 15), 0, 99),
                 .amplitude = rng.uniform_int(60, 180),
                 .word_gap = rng.uniform_int(0, 5)};
  std::vector<float> speech = trim(speak(job.word + kIntonation[rng.uniform_int(5)], p, kRate));
  if (speech.size() > static_cast<size_t>(kClip)) speech.resize(kClip);  // very slow speech: cut
  std::vector<float> clip(kClip, 0.0f);
  if (!speech.empty()) {
    float peak = 0;
    for (float v : speech) peak = std::max(peak, std::abs(v));
    const float gain = static_cast<float>(0.2 + 0.7 * rng.uniform()) / peak;
    const int offset = rng.uniform_int(kClip - static_cast<int>(speech.size()) + 1);
    for (size_t i = 0; i < speech.size(); ++i) clip[offset + i] = speech[i] * gain;
  }
  if (rng.bernoulli(0.5)) {  // faint room noise under half the clips
    const float level = static_cast<float>(0.002 + 0.02 * rng.uniform());
    auto noise = rng.bernoulli(0.5) ? white_noise(kClip, rng, level) : pink_noise(kClip, rng, level);
    for (int i = 0; i < kClip; ++i) clip[i] += noise[i];
  }
  if (speech_out) *speech_out = std::move(speech);
  return clip;
}

// Several streams of other words from training voices, overlapping: the babble of a room.
std::vector<float> babble(const std::vector<std::vector<float>>& words, int64_t samples, Rng& rng) {
  std::vector<float> out(static_cast<size_t>(samples), 0.0f);
  if (words.empty()) return out;
  for (int stream = 0; stream < 5; ++stream) {
    int64_t at = rng.uniform_int(kRate / 2);
    while (at < samples) {
      const auto& w = words[static_cast<size_t>(rng.uniform_int(static_cast<int>(words.size())))];
      const float gain = static_cast<float>(0.3 + 0.7 * rng.uniform());
      for (size_t i = 0; i < w.size() && at + static_cast<int64_t>(i) < samples; ++i) out[at + i] += w[i] * gain;
      at += static_cast<int64_t>(w.size()) + rng.uniform_int(kRate / 20, kRate / 2);
    }
  }
  scale_to_peak(out, 0.5f);
  return out;
}

}  // namespace

const std::vector<std::string>& kws_keywords() {
  static const std::vector<std::string> w = {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"};
  return w;
}

const std::vector<std::string>& kws_unknown_words() {
  static const std::vector<std::string> w = {"backward", "bed",     "bird",  "cat",    "dog",   "eight", "five",
                                             "follow",   "forward", "four",  "happy",  "house", "learn", "marvin",
                                             "nine",     "one",     "seven", "sheila", "six",   "three", "tree",
                                             "two",      "visual",  "wow",   "zero"};
  return w;
}

std::vector<std::string> kws_voice_pool() {
  // English accents of espeak-ng, and its voice variants that sound like a person (the
  // robot-like ones are left out: no user says "yes" like that).
  static const char* kLanguages[] = {"en-us",          "en",     "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
                                     "en-gb-x-gbcwmd", "en-029", "en-us-nyc"};
  static const char* kVariants[] = {"m1",      "m2",       "m3",      "m4",       "m5",     "m6",     "m7",
                                    "m8",      "f1",       "f2",      "f3",       "f4",     "f5",     "croak",
                                    "whisper", "whisperf", "klatt",   "klatt2",   "klatt3", "klatt4", "adam",
                                    "anika",   "aunty",    "belinda", "benjamin", "caleb",  "david",  "ed",
                                    "edward",  "grandma",  "grandpa", "iven",     "john",   "linda",  "max",
                                    "michel",  "norbert",  "paul",    "pablo",    "quincy", "rob",    "robert",
                                    "shelby",  "steph",    "travis",  "victor",   "zac"};
  std::vector<std::string> pool;
  for (const char* l : kLanguages)
    for (const char* v : kVariants) pool.push_back(std::string(l) + "+" + v);
  return pool;
}

KwsSynthReport synthesize_kws(const KwsSynthOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const std::string where = "kws-synth";
  if (o.out.empty()) fail(where, "no output folder given");
  const auto pool = kws_voice_pool();
  if (o.voices < 3 || o.voices > static_cast<int>(pool.size()))
    fail(where, "--voices must be in 3..{} (one each for train, validation and test at least), got {}", pool.size(),
         o.voices);
  if (o.per_word < 1) fail(where, "--per-word must be at least 1, got {}", o.per_word);
  const int unknown_per_voice = o.unknown_per_voice < 0 ? 2 * o.per_word : o.unknown_per_voice;
  const fs::path out = o.out.lexically_normal();
  if (fs::exists(out) && !o.overwrite) fail(out.string(), "already exists; remove it or pass --overwrite");
  const fs::path tmp = out.string() + ".partial";
  fs::remove_all(tmp);  // what a killed run left
  fs::create_directories(tmp / "_background_noise_");

  // Voices: a seeded draw from the pool; the first 10% are test, the next 10% validation.
  Rng rng(o.seed);
  std::vector<int> order(pool.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  Rng voice_rng = rng.fork(1);
  voice_rng.shuffle(order);
  const int held = std::max(1, static_cast<int>(std::lround(o.voices * 0.1)));
  std::vector<Voice> voices(static_cast<size_t>(o.voices));
  for (int i = 0; i < o.voices; ++i) {
    Voice& v = voices[static_cast<size_t>(i)];
    v.espeak = pool[static_cast<size_t>(order[static_cast<size_t>(i)])];
    v.name = v.espeak;
    std::replace(v.name.begin(), v.name.end(), '+', '-');
    v.pitch = voice_rng.uniform_int(25, 75);
    v.rate = voice_rng.uniform_int(130, 200);
    v.split = i < held ? 2 : i < 2 * held ? 1 : 0;
  }

  // Jobs: per voice, per_word clips of each keyword, then unknown words taken in turn from a
  // per-voice starting point so that every word is spoken by many voices.
  std::vector<Job> jobs;
  const auto& unknown = kws_unknown_words();
  for (int vi = 0; vi < o.voices; ++vi) {
    const Voice* v = &voices[static_cast<size_t>(vi)];
    for (const auto& w : kws_keywords())
      for (int n = 0; n < o.per_word; ++n) jobs.push_back({.voice = vi, .word = w, .n = n, .v = v});
    std::vector<int> count(unknown.size(), 0);
    for (int j = 0; j < unknown_per_voice; ++j) {
      const size_t w = (static_cast<size_t>(vi) * 7 + static_cast<size_t>(j)) % unknown.size();
      jobs.push_back({.voice = vi, .word = unknown[w], .n = count[w]++, .v = v});
    }
  }
  for (const auto& w : kws_keywords()) fs::create_directories(tmp / w);
  for (const auto& w : unknown) fs::create_directories(tmp / w);

  // Clips in parallel; each depends only on (seed, job index), never on which thread ran it.
  std::vector<std::vector<float>> babble_words(jobs.size());
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex mu;
  auto worker = [&] {
    while (!stop) {
      const int64_t i = next++;
      if (i >= static_cast<int64_t>(jobs.size())) return;
      const Job& job = jobs[static_cast<size_t>(i)];
      try {
        const bool keep = job.v->split == 0 && std::find(unknown.begin(), unknown.end(), job.word) != unknown.end();
        const auto clip = make_clip(job, o.seed, i, keep ? &babble_words[static_cast<size_t>(i)] : nullptr);
        write_bytes(tmp / job.file(), encode_wav(to_pcm(clip), kRate));
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
        stop = true;
        return;
      }
      const int64_t d = ++done;
      if (o.progress) {
        std::lock_guard lock(mu);
        o.progress(d, static_cast<int64_t>(jobs.size()));
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, o.jobs); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (error) {
    fs::remove_all(tmp);
    std::rethrow_exception(error);
  }

  // Background noise: six recordings, each long enough that the silence class (1 s chunks)
  // is about as large as a keyword class in every split.
  KwsSynthReport r;
  r.out = out;
  const int64_t seconds = std::max<int64_t>(20, (static_cast<int64_t>(o.per_word) * o.voices + 5) / 6);
  const int64_t n = seconds * kRate;
  Rng noise_rng = rng.fork(2);
  std::vector<std::vector<float>> speech;
  for (auto& w : babble_words)
    if (!w.empty()) speech.push_back(std::move(w));
  const std::pair<const char*, std::vector<float>> noises[] = {
      {"white_noise.wav", white_noise(n, noise_rng, 0.3f)},
      {"pink_noise.wav", pink_noise(n, noise_rng, 0.4f)},
      {"brown_noise.wav", brown_noise(n, noise_rng, 0.5f)},
      {"mains_hum.wav", hum_noise(n, kRate, noise_rng.bernoulli(0.5) ? 50.0 : 60.0, noise_rng, 0.3f)},
      {"babble.wav", babble(speech, n, noise_rng)},
      {"room_tone.wav", pink_noise(n, noise_rng, 0.01f)}};
  for (const auto& [name, x] : noises) {
    write_bytes(tmp / "_background_noise_" / name, encode_wav(to_pcm(x), kRate));
    for (int64_t c = 0; c < seconds; ++c) ++r.silence_clips[c % 10 == 9 ? 2 : c % 10 == 8 ? 1 : 0];
  }
  r.noise_seconds = static_cast<double>(seconds);

  // Lists and the voice table, in file-name order.
  std::vector<std::string> lists[3];
  for (const auto& job : jobs) {
    lists[job.v->split].push_back(job.file());
    ++r.word_clips[job.v->split];
  }
  for (auto& l : lists) std::sort(l.begin(), l.end());
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
  };
  write_bytes(tmp / "validation_list.txt", join(lists[1]));
  write_bytes(tmp / "testing_list.txt", join(lists[2]));
  std::string table = "voice\tespeak_voice\tpitch\trate_wpm\tsplit\n";
  static const char* kSplitNames[] = {"train", "validation", "test"};
  for (const auto& v : voices) {
    table += fmt::format("{}\t{}\t{}\t{}\t{}\n", v.name, v.espeak, v.pitch, v.rate, kSplitNames[v.split]);
    ++r.voices[v.split];
  }
  write_bytes(tmp / "voices.txt", table);

  // Publish: only now does <out> appear, complete.
  publish_folder(tmp, out);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace hwnas::data
