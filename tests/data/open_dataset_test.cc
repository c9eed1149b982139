#include "hwnas/data/open_dataset.h"

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
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
      open_dataset("coco:/data"),
      "unknown dataset kind 'coco'; the kinds are speech-commands, fashion-mnist, cifar10, image-folder");
  EXPECT_HWNAS_ERROR(open_dataset("/data/kws"), "a dataset is <kind>:<path>");
  EXPECT_HWNAS_ERROR(open_dataset("speech-commands:/no/such/dir"), "/no/such/dir: no such folder");
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
  EXPECT_EQ(fit_front_end("fashion-mnist:/f", {28, 13, 1}).speech.mfcc.coefficients, 10);
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {0, 0, 0}).speech.mfcc.coefficients, 10);
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {32, 32, 3}).speech.mfcc.coefficients, 10);  // an image model
  EXPECT_EQ(fit_front_end("speech-commands:/kws", {49, 64, 1}).speech.mfcc.coefficients, 10);  // > 40 mel bands
}

}  // namespace
}  // namespace hwnas::data
