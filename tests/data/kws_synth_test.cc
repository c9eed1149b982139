#include "hwnas/data/kws_synth.h"

#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/data/speech_commands.h"
#include "hwnas/data/wav.h"
#include "testing.h"

namespace hwnas::data {
namespace {
namespace fs = std::filesystem;

// 3 voices (one per split), one clip per keyword and two other words per voice: 36 clips.
KwsSynthOptions tiny(const fs::path& out, uint64_t seed = 1, int jobs = 2) {
  return {.out = out, .voices = 3, .per_word = 1, .unknown_per_voice = 2, .seed = seed, .jobs = jobs};
}

// Every file under `dir` with its bytes, by relative path.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> m;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) m[fs::relative(e.path(), dir).string()] = read_file(e.path());
  return m;
}

std::string voice_of(const std::string& file) {  // "yes/en-us-f3_nohash_0.wav" -> "en-us-f3"
  const auto slash = file.find('/'), end = file.find("_nohash_");
  return file.substr(slash + 1, end - slash - 1);
}

TEST(KwsSynth, WritesASpeechCommandsFolderSplitByVoice) {
  const auto dir = testing::temp_dir() / "kws";
  const auto r = synthesize_kws(tiny(dir));
  EXPECT_EQ(r.voices[0], 1);
  EXPECT_EQ(r.voices[1], 1);
  EXPECT_EQ(r.voices[2], 1);
  EXPECT_EQ(r.word_clips[0], 12);
  EXPECT_EQ(r.word_clips[2], 12);
  // 6 noise files of 20 s: chunks 8 and 18 validation, 9 and 19 test.
  EXPECT_EQ(r.silence_clips[0], 6 * 16);
  EXPECT_EQ(r.silence_clips[1], 6 * 2);
  EXPECT_EQ(r.silence_clips[2], 6 * 2);
  EXPECT_FALSE(fs::exists(dir.string() + ".partial"));

  // The loader reads it: every keyword once per split, 2 unknown clips, the silence chunks.
  SpeechCommands sc(dir, {});
  for (Split s : kSplits) {
    const auto c = sc.class_counts(s);
    for (int k = 0; k < 10; ++k) EXPECT_EQ(c[k], 1) << split_name(s) << " " << sc.class_names()[k];
    EXPECT_EQ(c[10], 2);
    EXPECT_EQ(c[11], r.silence_clips[static_cast<int>(s)]);
  }
  // No held-out voice speaks in the training split.
  std::set<std::string> held;
  for (const char* list : {"validation_list.txt", "testing_list.txt"}) {
    std::istringstream in(read_file(dir / list));
    for (std::string line; std::getline(in, line);) held.insert(voice_of(line));
  }
  EXPECT_EQ(held.size(), 2u);
  for (const auto& [file, bytes] : snapshot(dir)) {
    if (file.find("_nohash_") == std::string::npos) continue;
    const auto pcm = read_wav(dir / file);  // 16 kHz 16-bit mono, or this throws
    EXPECT_EQ(pcm.size(), 16000u) << file;
    int peak = 0;
    for (int16_t v : pcm) peak = std::max(peak, std::abs(int(v)));
    EXPECT_GT(peak, 3000) << file << " is (nearly) silent";
  }
  EXPECT_NE(read_file(dir / "voices.txt").find("\ttest\n"), std::string::npos);
}

TEST(KwsSynth, SameSeedSameBytesWhateverTheJobs) {
  const auto base = testing::temp_dir();
  synthesize_kws(tiny(base / "a", 5, 1));
  synthesize_kws(tiny(base / "b", 5, 2));
  synthesize_kws(tiny(base / "c", 6, 2));
  const auto a = snapshot(base / "a"), b = snapshot(base / "b"), c = snapshot(base / "c");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(KwsSynth, ExistingOutputNeedsOverwrite) {
  const auto dir = testing::temp_dir() / "kws";
  fs::create_directories(dir);
  write_file_atomic(dir / "keep.txt", "x");
  EXPECT_HWNAS_ERROR(synthesize_kws(tiny(dir)), "already exists; remove it or pass --overwrite");
  auto o = tiny(dir);
  o.overwrite = true;
  synthesize_kws(o);
  EXPECT_FALSE(fs::exists(dir / "keep.txt"));
  EXPECT_TRUE(fs::exists(dir / "testing_list.txt"));
}

TEST(KwsSynth, AFailedRunLeavesNothing) {
  // With no espeak-ng on PATH every clip fails: no <out>, no .partial left behind; a stale
  // .partial from a killed run is cleared first.
  const auto dir = testing::temp_dir() / "kws";
  fs::create_directories(dir.string() + ".partial/yes");
  const std::string path = std::getenv("PATH");
  setenv("PATH", testing::temp_dir().c_str(), 1);
  try {
    synthesize_kws(tiny(dir));
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("espeak-ng"), std::string::npos) << e.what();
  }
  setenv("PATH", path.c_str(), 1);
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(fs::exists(dir.string() + ".partial"));
}

TEST(KwsSynth, BadOptions) {
  const auto dir = testing::temp_dir() / "kws";
  auto o = tiny(dir);
  o.voices = 2;
  EXPECT_HWNAS_ERROR(synthesize_kws(o), "--voices must be in 3..");
  o.voices = 3;
  o.per_word = 0;
  EXPECT_HWNAS_ERROR(synthesize_kws(o), "--per-word must be at least 1");
}

}  // namespace
}  // namespace hwnas::data
