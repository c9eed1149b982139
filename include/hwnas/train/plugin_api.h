#pragma once
// The trainer as the hwnas CLI reaches it: inside the interop plugin (libtorch lives there),
// through this table, which interop::PluginApi::train_api returns. train_loader.h gets it.
//
//   const train::TrainApi& api = train::train_api();   // loads the plugin; Error if it cannot
//   train::TrainResult r = api.train(graph, *dataset, options, progress);
#include "hwnas/train/trainer.h"

namespace hwnas::train {

struct TrainApi {
  int version;  // kTrainApiVersion of the plugin's build
  TrainResult (*train)(const ir::Graph& g, const data::Dataset& ds, const TrainOptions& options,
                       const ProgressFn& progress, const TrainResult* resume);
  data::Accuracy (*evaluate)(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds, data::Split split,
                             int threads, int64_t max_examples, int batch_size);
};

// Bumped whenever TrainApi or a type it passes (TrainOptions, TrainResult, ...) changes.
inline constexpr int kTrainApiVersion = 2;

}  // namespace hwnas::train
