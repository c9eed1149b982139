#pragma once
// The folder `hwnas train --out DIR` writes, from a TrainResult: everything a later command or
// a notebook needs to use or judge the trained model.
//
//   DIR/model.json      the graph (ir/serialize.h)
//   DIR/weights.hwnasw  the kept (best validation epoch) weights (runtime::save_weights)
//   DIR/train_log.csv   one row per epoch: epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds
//   DIR/metrics.json    {"top1": test accuracy in percent, "val_top1", "best_epoch", "epochs", ...}
//   DIR/curves.svg      loss and accuracy per epoch (drawn by the caller: report/ is above train/)
//   DIR/checkpoint/     where training stopped, to go on from (train(..., resume)): last.hwnasw,
//                       the weights after the last epoch; optimizer.pt, libtorch's optimizer state
//
//   train::write_run_dir("runs/kws", graph, result, info, svg, /*overwrite=*/false);
//
// Written atomically: into a temporary sibling folder, renamed to DIR when complete. An existing
// DIR is an Error unless `overwrite`.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/train/detector.h"
#include "hwnas/train/trainer.h"

namespace hwnas::train {

struct RunInfo {
  std::string model;    // the reference the user gave
  std::string dataset;  // "<kind>:<path>"
  TrainOptions options;
  int64_t params = 0;
};

std::string train_log_csv(const TrainResult& r);
std::string metrics_json(const TrainResult& r, const RunInfo& info);
void write_run_dir(const std::filesystem::path& dir, const ir::Graph& g, const TrainResult& r, const RunInfo& info,
                   const std::string& curves_svg, bool overwrite);

// A trained detector's folder (train_detector()): model.json and weights.hwnasw as above,
// train_log.csv with epoch,lr,train_loss,box_loss,class_loss,val_map50,val_map,seconds,
// metrics.json with "map50", "map" (test split), "val_map50", per-class AP and counts, and
// detector.json, what decoding its outputs needs (anchors, score threshold, NMS:
// detector_options_json). No curves and no checkpoint (a detector run cannot be continued yet).
std::string detector_log_csv(const DetectorResult& r);
std::string detector_metrics_json(const DetectorResult& r, const RunInfo& info,
                                  const std::vector<std::string>& class_names);
void write_detector_run_dir(const std::filesystem::path& dir, const ir::Graph& g, const DetectorResult& r,
                            const RunInfo& info, const DetectorOptions& detector,
                            const std::vector<std::string>& class_names, bool overwrite);
// The detector options of a trained detector's folder; nullopt when it has no detector.json.
std::optional<DetectorOptions> read_detector_options(const std::filesystem::path& dir);

// The TrainResult that `dir` was written from, to continue it: log, best epoch, kept and last
// weights, optimizer state, validation top-1 (the test accuracy is not read back). Error naming
// the file when something is missing or does not fit `g`, or when the folder has no checkpoint/.
TrainResult read_run_dir(const std::filesystem::path& dir, const ir::Graph& g);
// Whether `dir` is a complete run folder with a checkpoint to continue from.
bool has_checkpoint(const std::filesystem::path& dir);

}  // namespace hwnas::train
