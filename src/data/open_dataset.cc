#include "hwnas/data/open_dataset.h"

#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/data/cifar10.h"
#include "hwnas/data/fashion_mnist.h"
#include "hwnas/data/image_folder.h"

namespace hwnas::data {

const std::vector<std::string>& dataset_kinds() {
  static const std::vector<std::string> k = {"speech-commands", "fashion-mnist", "cifar10", "image-folder", "coco"};
  return k;
}

OpenOptions fit_front_end(std::string_view reference, std::array<int, 3> input_hwc, OpenOptions options) {
  // Only a one-channel input of at most one coefficient per mel band reads MFCC features; other
  // models keep the defaults, and the trainer's shape check names both shapes.
  const bool mfcc_like =
      input_hwc[2] == 1 && input_hwc[0] > 0 && input_hwc[1] > 0 && input_hwc[1] <= options.speech.mfcc.mel_bands;
  if (!reference.starts_with("speech-commands:") || !mfcc_like) return options;
  options.speech.mfcc = fit_frames(options.speech.mfcc, input_hwc[0]);
  options.speech.mfcc.coefficients = input_hwc[1];
  return options;
}

std::unique_ptr<Dataset> open_dataset(std::string_view reference, const OpenOptions& options) {
  const std::string ref(reference);
  const auto colon = ref.find(':');
  if (colon == std::string::npos || colon + 1 == ref.size())
    fail(ref, "a dataset is <kind>:<path> with kind one of {}", fmt::join(dataset_kinds(), ", "));
  const std::string kind = ref.substr(0, colon), path = ref.substr(colon + 1);
  if (kind == "speech-commands") return std::make_unique<SpeechCommands>(path, options.speech);
  if (kind == "fashion-mnist") return std::make_unique<FashionMnist>(path, options.image);
  if (kind == "cifar10") return std::make_unique<Cifar10>(path, options.image);
  if (kind == "image-folder") return std::make_unique<ImageFolder>(path, options.image);
  if (kind == "coco")
    fail(ref,
         "is object-detection data (boxes, not one label per example); train or evaluate a detector on it "
         "(hwnas train / hwnas eval with a model whose outputs are \"boxes\" and \"scores\", e.g. "
         "ssdlite-mobilenetv2)");
  fail(ref, "unknown dataset kind '{}'; the kinds are {}", kind, fmt::join(dataset_kinds(), ", "));
}

bool is_detection_dataset(std::string_view reference) { return reference.starts_with("coco:"); }

std::string detection_dataset_dir(std::string_view reference) {
  if (!is_detection_dataset(reference) || reference.size() == 5)
    fail(std::string(reference), "detection data is coco:<dir> (a COCO layout, data/coco.h)");
  return std::string(reference.substr(5));
}

}  // namespace hwnas::data
