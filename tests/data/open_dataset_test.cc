#include "hwnas/data/open_dataset.h"

#include <set>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/core/rng.h"
#include "hwnas/data/wav.h"
#include "hwnas/ir/graph.h"
#include "hwnas/space/dscnn_space.h"
#include "testing.h"

namespace hwnas::data {
namespace {

TEST(OpenDataset, KindSelectsTheLoader) {
  const auto dir = testing::temp_dir();
  std::string rec(1, '\x04');
  rec += std::string(3072, '\0');
  write_file_atomic(dir / "test_batch.bin", rec);
  const auto ds = open_dataset("cifar10:" + dir.string());
  EXPECT_EQ(ds->kind(), "cifar10");
  EXPECT_EQ(ds->reference(), "cifar10:" + dir.string());
  EXPECT_EQ(ds->size(Split::test), 1);
  EXPECT_EQ(ds->class_counts(Split::test)[4], 1);
  const std::vector<int64_t> bad{1};
  EXPECT_HWNAS_ERROR(ds->batch(Split::test, bad), "test example 1 out of range (the test split has 1 examples)");
}

TEST(OpenDataset, UnknownKindListsTheKinds) {
  EXPECT_HWNAS_ERROR(
      open_dataset("voc:/data"),
      "unknown dataset kind 'voc'; the kinds are speech-commands, fashion-mnist, cifar10, image-folder, coco");
  EXPECT_HWNAS_ERROR(open_dataset("/data/kws"), "a dataset is <kind>:<path>");
  EXPECT_HWNAS_ERROR(open_dataset("speech-commands:/no/such/dir"), "/no/such/dir: no such folder");
}

TEST(OpenDataset, CocoIsDetectionDataForTheDetectorCommands) {
  EXPECT_HWNAS_ERROR(open_dataset("coco:/data"), "coco:/data: is object-detection data");
  EXPECT_TRUE(is_detection_dataset("coco:/data"));
  EXPECT_FALSE(is_detection_dataset("cifar10:/data"));
  EXPECT_EQ(detection_dataset_dir("coco:/data/x"), "/data/x");
  EXPECT_HWNAS_ERROR(detection_dataset_dir("coco:"), "detection data is coco:<dir>");
}

TEST(OpenDataset, SplitNames) {
  EXPECT_EQ(parse_split("val"), Split::validation);
  EXPECT_EQ(split_name(Split::test), "test");
  EXPECT_HWNAS_ERROR(parse_split("dev"), "no such split; the splits are train, validation, test");
}

TEST(FitFrontEnd, SpeechCommandsComputeAsManyMfccCoefficientsAsTheModelTakes) {
  // dscnn's mfcc=13 arch takes 49 x 13 x 1: 13 coefficients per frame.
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {49, 13, 1}).speech.mfcc.coefficients, 13);
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {49, 20, 1}).speech.mfcc.coefficients, 20);
  // Stored examples keep their shape; an unknown input leaves the defaults.
  EXPECT_EQ(fit_front_end("fashion-mnist:/f", {28, 13, 1}).speech.mfcc, MfccOptions{});
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {0, 0, 0}).speech.mfcc, MfccOptions{});
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {32, 32, 3}).speech.mfcc, MfccOptions{});  // an image model
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {49, 64, 1}).speech.mfcc, MfccOptions{});  // > 40 mel bands
}

TEST(FitFrontEnd, SpeechCommandsComputeAsManyFramesAsTheModelTakes) {
  // 49 frames are the MLPerf front end itself (30 ms windows every 20 ms); 25 frames of a 1 s
  // clip take 40 ms windows every 40 ms: 1 + (16000 - 640) / 640 = 25 (fit_frames, mfcc.h).
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {49, 10, 1}).speech.mfcc, MfccOptions{});
  const MfccOptions m = fit_front_end("speech-commands:/kws", {25, 13, 1}).speech.mfcc;
  EXPECT_EQ(m.stride_ms, 40);
  EXPECT_EQ(m.window_ms, 40);
  EXPECT_EQ(m.coefficients, 13);
  EXPECT_EQ(Mfcc(m).frames(), 25);
  EXPECT_HWNAS_ERROR(fit_front_end("speech-commands:/kws", {99, 10, 1}),
                     "mfcc front end for 99 frames: no whole-millisecond stride gives 99 frames");
}

// A tiny Speech Commands folder: two clips of "yes", one of "bed" (an unknown word) and a 3 s
// noise recording (3 silence slices), all in the training split.
std::filesystem::path tiny_speech_set() {
  namespace fs = std::filesystem;
  const auto dir = testing::temp_dir() / "sc";
  for (const char* w : {"yes", "bed", "_background_noise_"}) fs::create_directories(dir / w);
  Rng rng(5);
  const auto noise = [&](int samples, int amplitude) {
    std::vector<int16_t> x(samples);
    for (auto& v : x) v = static_cast<int16_t>(rng.uniform_int(-amplitude, amplitude));
    return x;
  };
  write_wav(dir / "yes/a_nohash_0.wav", noise(16000, 12000));
  write_wav(dir / "yes/b_nohash_0.wav", noise(12000, 6000));
  write_wav(dir / "bed/a_nohash_0.wav", noise(16000, 9000));
  write_wav(dir / "_background_noise_/white.wav", noise(3 * 16000, 3000));
  write_file_atomic(dir / "validation_list.txt", "");
  write_file_atomic(dir / "testing_list.txt", "");
  return dir;
}

// What a trial of the dscnn space trains on: the dataset opened with the front end fitted to the
// decoded graph's input gives batches of exactly that input's shape (the trainer checks it).
TEST(FitFrontEnd, DscnnSpaceArchsGetExamplesOfTheirInputShape) {
  const std::string ref = "speech-commands:" + tiny_speech_set().string();
  space::DsCnnSpace space;
  Rng rng(11);
  std::set<std::pair<int, int>> seen;  // (frames, coefficients)
  for (int i = 0; i < 40 && seen.size() < 4; ++i) {
    const ir::Graph g = space.decode(space.sample(rng));
    const ir::Shape& in = g.node(g.inputs().at(0)).shape;
    const int h = static_cast<int>(in.h()), w = static_cast<int>(in.w());
    if (!seen.insert({h, w}).second) continue;
    const auto ds = open_dataset(ref, fit_front_end(ref, {h, w, static_cast<int>(in.c())}));
    EXPECT_EQ(ds->input_shape(), (std::array<int, 3>{h, w, 1})) << g.name();
    const std::vector<int64_t> idx{0, 1, 2};
    const Batch b = ds->batch(Split::train, idx);
    EXPECT_EQ(b.shape, (std::array<int, 4>{3, h, w, 1})) << g.name();
    EXPECT_EQ(b.x.size(), static_cast<size_t>(3 * h * w)) << g.name();
  }
  // The space's two frame counts and at least two coefficient counts were among them.
  std::set<int> frames, coefficients;
  for (const auto& [h, w] : seen) frames.insert(h), coefficients.insert(w);
  EXPECT_EQ(frames, (std::set<int>{25, 49}));
  EXPECT_GE(coefficients.size(), 2u);
}

}  // namespace
}  // namespace hwnas::data
