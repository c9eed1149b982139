#pragma once
// The one way commands and experiments name a dataset: "<kind>:<path>".
//
//   speech-commands:<dir>   Speech Commands v2 layout (speech_commands.h), MFCC features
//   fashion-mnist:<dir>     gzipped IDX files (fashion_mnist.h)
//   cifar10:<dir>           CIFAR-10 binary batches (cifar10.h)
//   image-folder:<dir>      class subfolders of JPEG/PNG (image_folder.h)
//
//   auto ds = hwnas::data::open_dataset("speech-commands:/data/kws");
// An unknown kind is an Error listing the kinds.
#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/data/dataset.h"
#include "hwnas/data/image_options.h"
#include "hwnas/data/speech_commands.h"

namespace hwnas::data {

struct OpenOptions {
  SpeechCommandsOptions speech;
  ImageOptions image;
};

const std::vector<std::string>& dataset_kinds();
std::unique_ptr<Dataset> open_dataset(std::string_view reference, const OpenOptions& options = {});

// `options` with the front end fitted to a model whose input is H x W x C, where the dataset's
// features are computed (not stored): for speech-commands, W MFCC coefficients per frame, since
// keyword-spotting spaces search the coefficient count (dscnn's mfcc = 10, 13, 20), for a one-channel
// input no wider than the mel bands. Other kinds
// are returned unchanged (their examples have the shape they have).
OpenOptions fit_front_end(std::string_view reference, std::array<int, 3> input_hwc, OpenOptions options = {});

}  // namespace hwnas::data
