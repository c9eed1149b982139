#pragma once
// The trainer as the hwnas CLI reaches it: inside the interop plugin (libtorch lives there),
// through this table, which interop::PluginApi::train_api returns. train_loader.h gets it.
//
//   const train::TrainApi& api = train::train_api();   // loads the plugin; Error if it cannot
//   train::TrainResult r = api.train(graph, *dataset, options, progress);
//   train::QatResult q = api.fine_tune_quantized(graph, weights, *dataset, ranges, qat_options, progress);
//   train::DetectorResult d = api.train_detector(detector_graph, data::read_coco(dir), options, {}, {});
#include "hwnas/train/detector.h"
#include "hwnas/train/qat.h"
#include "hwnas/train/trainer.h"

namespace hwnas::train {

struct TrainApi {
  int version;  // kTrainApiVersion of the plugin's build
  TrainResult (*train)(const ir::Graph& g, const data::Dataset& ds, const TrainOptions& options,
                       const ProgressFn& progress, const TrainResult* resume);
  data::Accuracy (*evaluate)(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds, data::Split split,
                             int threads, int64_t max_examples, int batch_size);
  QatResult (*fine_tune_quantized)(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds,
                                   const std::vector<std::pair<float, float>>& ranges, const QatOptions& options,
                                   const ProgressFn& progress);
  DetectorResult (*train_detector)(const ir::Graph& g, const data::Coco& coco, const TrainOptions& options,
                                   const DetectorOptions& detector, const DetectorProgressFn& progress);
};

// Bumped whenever TrainApi or a type it passes (TrainOptions, TrainResult, ...) changes.
inline constexpr int kTrainApiVersion = 5;  // 3: fine_tune_quantized; 4: train_detector; 5: initial_weights

}  // namespace hwnas::train
