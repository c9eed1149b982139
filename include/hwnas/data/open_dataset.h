#pragma once
// The one way commands and experiments name a dataset: "<kind>:<path>".
//
//   speech-commands:<dir>   Speech Commands v2 layout (speech_commands.h), MFCC features
//   fashion-mnist:<dir>     gzipped IDX files (fashion_mnist.h)
//   cifar10:<dir>           CIFAR-10 binary batches (cifar10.h)
//   image-folder:<dir>      class subfolders of JPEG/PNG (image_folder.h)
//   coco:<dir>              object detection in the COCO layout (coco.h): not a Dataset of labelled
//                           examples; detector training and evaluation read it (is_detection_dataset)
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
// Error for coco: (naming the detector commands that read it) and for an unknown kind.
std::unique_ptr<Dataset> open_dataset(std::string_view reference, const OpenOptions& options = {});

// Whether `reference` names detection data ("coco:<dir>"), and its folder.
bool is_detection_dataset(std::string_view reference);
std::string detection_dataset_dir(std::string_view reference);  // Error when not coco:<dir>

// `options` with the front end fitted to a model whose input is H x W x C, where the dataset's
// features are computed (not stored). For speech-commands and a one-channel input no wider than
// the mel bands: H frames and W MFCC coefficients per frame, because keyword-spotting spaces
// search both (dscnn's frames = 25, 49 and mfcc = 10, 13, 20). The frames set the stride, and a
// stride longer than the window the window too, by fit_frames() (mfcc.h): 49 frames keep the
// MLPerf Tiny 30 ms window and 20 ms stride, 25 frames take 40 ms windows every 40 ms. A frame
// count that no whole-millisecond stride gives is an Error naming the nearest counts. Other kinds
// are returned unchanged (their examples have the shape they have); the fitted options are the
// whole front end, so a cache of opened datasets keys on options.speech.mfcc.
OpenOptions fit_front_end(std::string_view reference, std::array<int, 3> input_hwc, OpenOptions options = {});

}  // namespace hwnas::data
