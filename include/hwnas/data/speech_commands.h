#pragma once
// The Speech Commands v2 folder layout (Warden 2018) as the MLPerf Tiny keyword-spotting task
// uses it: 12 classes, the 10 keywords + "unknown" (every other word) + "silence" (1 s slices
// of the background-noise recordings), MFCC features (mfcc.h) of 1 s clips.
//
//   <dir>/yes/0a7c2a8d_nohash_0.wav ...     one folder of 16 kHz 16-bit mono WAVs per word
//   <dir>/validation_list.txt               relative paths, one a line: validation split
//   <dir>/testing_list.txt                  relative paths: test split; the rest is train
//   <dir>/_background_noise_/*.wav          long noise recordings (silence and mixing)
//
//   hwnas::data::SpeechCommands sc("/data/speech_commands_v0.02", {});
//   sc.input_shape();   // {49, 10, 1}
//   auto b = sc.batch(Split::train, idx, {.augment = true, .seed = 1});
//
// Per example, as the reference (get_dataset.py) does: the clip is divided by its maximum
// sample ("peak_normalize"), padded with zeros or cut to 1 s; with augmentation it is shifted
// by up to +-time_shift_ms (zeros fill the gap) and, with probability background_frequency,
// a random 1 s slice of a random noise file times U(0, background_volume) is added and the
// sum clipped to [-1, 1]. Silence slices: noise file chunk c goes to validation when
// c % 10 == 8, to test when c % 10 == 9, else to train.
// A missing list file, a listed file that is not there, an unreadable WAV or one of another
// rate or width is an Error naming the file.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hwnas/data/dataset.h"
#include "hwnas/data/mfcc.h"

namespace hwnas::data {

struct SpeechCommandsOptions {
  MfccOptions mfcc;
  std::vector<std::string> keywords = {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"};
  bool peak_normalize = true;         // the reference divides each clip by its maximum
  double background_frequency = 0.8;  // MLPerf Tiny kws_util.py defaults
  double background_volume = 0.1;
  double time_shift_ms = 100;
  bool check_headers = true;  // read every WAV header when opening (errors early)
};

class SpeechCommands : public Dataset {
 public:
  SpeechCommands(std::filesystem::path dir, SpeechCommandsOptions options);
  ~SpeechCommands() override;

  std::string kind() const override { return "speech-commands"; }
  const std::string& path() const override { return path_; }
  const std::vector<std::string>& class_names() const override { return classes_; }
  std::array<int, 3> input_shape() const override;
  int64_t size(Split split) const override;
  int label(Split split, int64_t index) const override;

  int unknown_label() const { return static_cast<int>(options_.keywords.size()); }
  int silence_label() const { return unknown_label() + 1; }
  // The waveform of an example after normalisation and augmentation, before the MFCC.
  std::vector<float> waveform(Split split, int64_t index, bool augment, Rng& rng) const;

 protected:
  void example(Split split, int64_t index, bool augment, Rng& rng, float* out) const override;

 private:
  struct Entry {
    std::string file;  // relative path of a word clip; empty for a silence slice
    int label = 0;
    int noise = -1;      // silence: which noise recording
    int64_t offset = 0;  // silence: first sample of the slice
  };
  const Entry& entry(Split split, int64_t index) const;

  std::filesystem::path dir_;
  std::string path_;
  SpeechCommandsOptions options_;
  std::vector<std::string> classes_;
  std::vector<Entry> splits_[3];
  std::vector<std::vector<float>> noise_;  // background recordings in [-1, 1]
  std::vector<std::string> noise_names_;
  std::unique_ptr<Mfcc> mfcc_;
};

}  // namespace hwnas::data
