#pragma once
// The loss and accuracy curves of a training run as one SVG (curves.svg of a trained model
// folder), drawn with report/svg_plot.h: `hwnas train` and the train metric of a search write it.
#include <string>

#include "hwnas/train/trainer.h"

namespace hwnas::cli {

// `title` is plain text (escaped here).
std::string curves_svg(const train::TrainResult& r, const std::string& title);

}  // namespace hwnas::cli
