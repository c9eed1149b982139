#include "hwnas/data/speech_commands.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "hwnas/core/error.h"
#include "hwnas/data/wav.h"

namespace hwnas::data {
namespace fs = std::filesystem;
namespace {

constexpr const char* kNoiseDir = "_background_noise_";

// The relative paths listed in validation_list.txt or testing_list.txt, each checked to exist.
std::set<std::string> read_list(const fs::path& dir, const std::string& name) {
  const fs::path file = dir / name;
  std::ifstream in(file);
  if (!in)
    fail(file.string(),
         "no such file; a Speech Commands folder lists its validation and test clips in validation_list.txt "
         "and testing_list.txt (one relative path a line, e.g. yes/0a7c2a8d_nohash_0.wav)");
  std::set<std::string> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    if (!fs::is_regular_file(dir / line))
      fail(fmt::format("{}:{}", file.string(), n), "lists {}, which is not in {}", line, dir.string());
    out.insert(line);
  }
  return out;
}

std::vector<float> to_float(const std::vector<int16_t>& pcm) {
  std::vector<float> x(pcm.size());
  for (size_t i = 0; i < pcm.size(); ++i) x[i] = pcm[i] / 32768.0f;
  return x;
}

}  // namespace

SpeechCommands::~SpeechCommands() = default;

SpeechCommands::SpeechCommands(fs::path dir, SpeechCommandsOptions options)
    : dir_(std::move(dir)), path_(dir_.string()), options_(std::move(options)) {
  if (!fs::is_directory(dir_))
    fail(path_, "no such folder (expected a Speech Commands folder: one folder of WAVs per word)");
  mfcc_ = std::make_unique<Mfcc>(options_.mfcc);
  classes_ = options_.keywords;
  classes_.push_back("unknown");
  classes_.push_back("silence");
  std::map<std::string, int> keyword_label;
  for (size_t i = 0; i < options_.keywords.size(); ++i) keyword_label[options_.keywords[i]] = static_cast<int>(i);

  const auto validation = read_list(dir_, "validation_list.txt");
  const auto testing = read_list(dir_, "testing_list.txt");
  const int rate = options_.mfcc.sample_rate;

  // Word folders in name order and their files in name order: the same indices on every machine.
  std::vector<fs::path> words;
  for (const auto& e : fs::directory_iterator(dir_))
    if (e.is_directory() && e.path().filename().string().front() != '_') words.push_back(e.path());
  std::sort(words.begin(), words.end());
  if (words.empty()) fail(path_, "no word folders (expected e.g. yes/, no/, ... holding 16 kHz WAVs)");
  for (const auto& w : words) {
    const std::string word = w.filename().string();
    const auto it = keyword_label.find(word);
    const int label = it == keyword_label.end() ? unknown_label() : it->second;
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(w))
      if (e.is_regular_file() && e.path().extension() == ".wav")
        files.push_back(word + "/" + e.path().filename().string());
    std::sort(files.begin(), files.end());
    for (auto& f : files) {
      if (options_.check_headers) check_wav(dir_ / f, rate);
      const Split s = testing.count(f) ? Split::test : validation.count(f) ? Split::validation : Split::train;
      splits_[static_cast<int>(s)].push_back({.file = std::move(f), .label = label});
    }
  }

  // Silence: 1 s chunks of the background recordings, spread over the splits by chunk number.
  const fs::path noise_dir = dir_ / kNoiseDir;
  if (fs::is_directory(noise_dir)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(noise_dir))
      if (e.is_regular_file() && e.path().extension() == ".wav") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    const int64_t clip = mfcc_->clip_samples();
    for (const auto& f : files) {
      noise_.push_back(to_float(read_wav(f, rate)));
      noise_names_.push_back(f.string());
      const int n = static_cast<int>(noise_.size()) - 1;
      const int64_t chunks = static_cast<int64_t>(noise_.back().size()) / clip;
      for (int64_t c = 0; c < chunks; ++c) {
        const Split s = c % 10 == 9 ? Split::test : c % 10 == 8 ? Split::validation : Split::train;
        splits_[static_cast<int>(s)].push_back({.label = silence_label(), .noise = n, .offset = c * clip});
      }
    }
  }
}

std::array<int, 3> SpeechCommands::input_shape() const { return {mfcc_->frames(), mfcc_->coefficients(), 1}; }

int64_t SpeechCommands::size(Split split) const {
  return static_cast<int64_t>(splits_[static_cast<int>(split)].size());
}

const SpeechCommands::Entry& SpeechCommands::entry(Split split, int64_t index) const {
  const auto& v = splits_[static_cast<int>(split)];
  if (index < 0 || index >= static_cast<int64_t>(v.size()))
    fail(path_, "{} example {} out of range ({} examples)", split_name(split), index, v.size());
  return v[static_cast<size_t>(index)];
}

int SpeechCommands::label(Split split, int64_t index) const { return entry(split, index).label; }

std::vector<float> SpeechCommands::waveform(Split split, int64_t index, bool augment, Rng& rng) const {
  const Entry& e = entry(split, index);
  const int64_t clip = mfcc_->clip_samples();
  std::vector<float> x;
  if (e.noise >= 0) {
    const auto& n = noise_[static_cast<size_t>(e.noise)];
    x.assign(n.begin() + e.offset, n.begin() + e.offset + clip);
  } else {
    x = to_float(read_wav(dir_ / e.file, options_.mfcc.sample_rate));
  }
  if (options_.peak_normalize) {
    // The reference divides by reduce_max (the largest sample, not the largest magnitude);
    // a clip with no positive sample falls back to its largest magnitude, silence stays 0.
    float peak = *std::max_element(x.begin(), x.end());
    if (peak <= 0) {
      peak = 0;
      for (float v : x) peak = std::max(peak, std::abs(v));
    }
    if (peak > 0)
      for (float& v : x) v /= peak;
  }
  x.resize(static_cast<size_t>(clip), 0.0f);
  if (!augment) return x;

  const int max_shift = static_cast<int>(options_.time_shift_ms * options_.mfcc.sample_rate / 1000.0);
  if (max_shift > 0) {
    const int shift = rng.uniform_int(-max_shift, max_shift);  // > 0 moves the clip later
    std::vector<float> shifted(x.size(), 0.0f);
    for (int64_t i = 0; i < clip; ++i) {
      const int64_t src = i - shift;
      if (src >= 0 && src < clip) shifted[i] = x[src];
    }
    x.swap(shifted);
  }
  if (!noise_.empty()) {
    const auto& n = noise_[static_cast<size_t>(rng.uniform_int(static_cast<int>(noise_.size())))];
    const bool mix = rng.uniform() < options_.background_frequency;
    const double volume = rng.uniform() * options_.background_volume;
    if (mix && static_cast<int64_t>(n.size()) >= clip) {
      const int64_t offset = rng.uniform_int(static_cast<int>(n.size() - clip) + 1);
      for (int64_t i = 0; i < clip; ++i)
        x[i] = std::clamp(static_cast<float>(x[i] + volume * n[offset + i]), -1.0f, 1.0f);
    }
  }
  return x;
}

void SpeechCommands::example(Split split, int64_t index, bool augment, Rng& rng, float* out) const {
  const auto x = waveform(split, index, augment, rng);
  mfcc_->compute(x, out);
}

}  // namespace hwnas::data
