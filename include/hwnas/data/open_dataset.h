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

}  // namespace hwnas::data
