#include "hwnas/data/speech_commands.h"

#include <cmath>
#include <numbers>
#include <set>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/data/wav.h"
#include "testing.h"

namespace hwnas::data {
namespace {
namespace fs = std::filesystem;

std::vector<int16_t> tone(double hz, double amplitude, int samples) {
  std::vector<int16_t> x(samples);
  for (int i = 0; i < samples; ++i)
    x[i] = static_cast<int16_t>(std::lround(amplitude * 32767 * std::sin(2 * std::numbers::pi * hz * i / 16000.0)));
  return x;
}

// yes: 3 clips (one in validation, one in test); no: 2 clips (one in test); bed (an unknown
// word): 2 clips; a 20 s noise recording (20 silence chunks: 8 and 18 validation, 9 and 19 test).
fs::path tiny_set() {
  const auto dir = testing::temp_dir() / "sc";
  for (const char* w : {"yes", "no", "bed", "_background_noise_"}) fs::create_directories(dir / w);
  write_wav(dir / "yes/a_nohash_0.wav", tone(500, 0.25, 16000));
  write_wav(dir / "yes/b_nohash_0.wav", tone(700, 0.5, 8000));  // half a second: padded
  write_wav(dir / "yes/c_nohash_0.wav", tone(900, 0.5, 16000));
  write_wav(dir / "no/a_nohash_0.wav", tone(1200, 0.5, 16000));
  write_wav(dir / "no/b_nohash_0.wav", tone(1500, 0.5, 16000));
  write_wav(dir / "bed/a_nohash_0.wav", tone(300, 0.5, 16000));
  write_wav(dir / "bed/b_nohash_0.wav", tone(2500, 0.5, 16000));
  Rng rng(3);
  std::vector<int16_t> noise(20 * 16000);
  for (auto& v : noise) v = static_cast<int16_t>(rng.uniform_int(-8000, 8000));
  write_wav(dir / "_background_noise_/white.wav", noise);
  write_file_atomic(dir / "validation_list.txt", "yes/b_nohash_0.wav\n");
  write_file_atomic(dir / "testing_list.txt", "yes/c_nohash_0.wav\nno/b_nohash_0.wav\n");
  return dir;
}

TEST(SpeechCommands, ClassesSplitsAndShape) {
  SpeechCommands sc(tiny_set(), {});
  EXPECT_EQ(sc.class_names(), (std::vector<std::string>{"yes", "no", "up", "down", "left", "right", "on", "off", "stop",
                                                        "go", "unknown", "silence"}));
  EXPECT_EQ(sc.input_shape(), (std::array<int, 3>{49, 10, 1}));
  auto counts = [&](Split s) {
    auto c = sc.class_counts(s);
    return std::vector<int64_t>{c[0], c[1], c[10], c[11]};  // yes, no, unknown, silence
  };
  EXPECT_EQ(counts(Split::train), (std::vector<int64_t>{1, 1, 2, 16}));
  EXPECT_EQ(counts(Split::validation), (std::vector<int64_t>{1, 0, 0, 2}));
  EXPECT_EQ(counts(Split::test), (std::vector<int64_t>{1, 1, 0, 2}));
}

TEST(SpeechCommands, FeaturesAreMfccOfThePeakNormalisedPaddedClip) {
  const auto dir = tiny_set();
  SpeechCommands sc(dir, {});
  Mfcc mfcc({});
  // validation example 0 is yes/b: a half-second 700 Hz tone, peak-normalised, zero-padded.
  const auto pcm = read_wav(dir / "yes/b_nohash_0.wav");
  const float peak = *std::max_element(pcm.begin(), pcm.end()) / 32768.0f;
  std::vector<float> expected(16000, 0.0f);
  for (size_t i = 0; i < pcm.size(); ++i) expected[i] = pcm[i] / 32768.0f / peak;
  const std::vector<int64_t> idx{0};
  const auto b = sc.batch(Split::validation, idx);
  EXPECT_EQ(b.shape, (std::array<int, 4>{1, 49, 10, 1}));
  EXPECT_EQ(b.y, std::vector<int>{0});
  const auto want = mfcc.compute(expected);
  ASSERT_EQ(b.x.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(b.x[i], want[i], 1e-4) << i;
}

TEST(SpeechCommands, TimeShiftMovesTheClipWithinBounds) {
  SpeechCommands sc(tiny_set(), {.background_frequency = 0});  // shift only
  Rng none(0);
  const auto plain = sc.waveform(Split::train, 0, false, none);
  std::set<int> shifts;
  for (uint64_t seed = 0; seed < 8; ++seed) {
    Rng rng(seed);
    const auto moved = sc.waveform(Split::train, 0, true, rng);
    int found = -99999;
    for (int s = -1600; s <= 1600 && found == -99999; ++s) {
      bool same = true;
      for (int i = 0; i < 16000 && same; ++i) {
        const float want = (i - s >= 0 && i - s < 16000) ? plain[i - s] : 0.0f;
        same = moved[i] == want;
      }
      if (same) found = s;
    }
    EXPECT_NE(found, -99999) << "seed " << seed << ": not a shift of at most 100 ms";
    shifts.insert(found);
  }
  EXPECT_GT(shifts.size(), 4u);  // the shift varies with the seed
}

TEST(SpeechCommands, NoiseMixingAddsAScaledNoiseSlice) {
  SpeechCommands sc(tiny_set(), {.background_frequency = 1, .time_shift_ms = 0});
  Rng none(0);
  const auto plain = sc.waveform(Split::train, 0, false, none);
  Rng rng(5);
  const auto mixed = sc.waveform(Split::train, 0, true, rng);
  double largest = 0;
  for (int i = 0; i < 16000; ++i) largest = std::max(largest, std::abs(double(mixed[i]) - plain[i]));
  EXPECT_GT(largest, 0.0);
  EXPECT_LE(largest, 0.1 * 8000 / 32768.0 + 1e-6);  // volume <= 0.1 of noise peaking at 8000
}

TEST(SpeechCommands, AugmentationIsDeterministicPerExample) {
  SpeechCommands sc(tiny_set(), {});
  const std::vector<int64_t> ab{0, 1}, ba{1, 0};
  const auto x = sc.batch(Split::train, ab, {.augment = true, .seed = 9});
  const auto y = sc.batch(Split::train, ba, {.augment = true, .seed = 9});
  const auto z = sc.batch(Split::train, ab, {.augment = true, .seed = 10});
  const auto off = sc.batch(Split::train, ab, {.augment = false, .seed = 9});
  const size_t per = 490;
  EXPECT_TRUE(std::equal(x.x.begin(), x.x.begin() + per, y.x.begin() + per));  // same example, same tensor
  EXPECT_NE(x.x, z.x);
  EXPECT_NE(x.x, off.x);
  EXPECT_EQ(off.x, sc.batch(Split::train, ab, {.augment = false, .seed = 1}).x);
}

TEST(SpeechCommands, BadDataNamesTheFile) {
  auto dir = tiny_set();
  fs::remove(dir / "testing_list.txt");
  EXPECT_HWNAS_ERROR(SpeechCommands(dir, {}), "testing_list.txt: no such file");
  dir = tiny_set();
  write_file_atomic(dir / "validation_list.txt", "yes/b_nohash_0.wav\nyes/gone.wav\n");
  EXPECT_HWNAS_ERROR(SpeechCommands(dir, {}), "validation_list.txt:2: lists yes/gone.wav");
  dir = tiny_set();
  write_wav(dir / "no/c_nohash_0.wav", tone(440, 0.5, 8000), 8000);
  EXPECT_HWNAS_ERROR(SpeechCommands(dir, {}), "no/c_nohash_0.wav: sample rate 8000 Hz; expected 16000 Hz");
  dir = tiny_set();
  write_file_atomic(dir / "no/d_nohash_0.wav", "not a wav");
  EXPECT_HWNAS_ERROR(SpeechCommands(dir, {}), "no/d_nohash_0.wav: not a WAV file");
  EXPECT_HWNAS_ERROR(SpeechCommands(dir / "nowhere", {}), "nowhere: no such folder");
}

}  // namespace
}  // namespace hwnas::data
