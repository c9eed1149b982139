#pragma once
// The trainer from a program that does not link libtorch (the hwnas CLI): the table of
// plugin_api.h, taken from the interop plugin (interop/plugin_loader.h) on first use.
// hwnas::Error when the plugin cannot be loaded, was built without train/, or is stale.
//
//   train::TrainResult r = train::train_api().train(g, *ds, {.epochs = 3}, {});
#include "hwnas/train/plugin_api.h"

namespace hwnas::train {

const TrainApi& train_api();

}  // namespace hwnas::train
