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
#include <string>

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

// The TrainResult that `dir` was written from, to continue it: log, best epoch, kept and last
// weights, optimizer state, validation top-1 (the test accuracy is not read back). Error naming
// the file when something is missing or does not fit `g`, or when the folder has no checkpoint/.
TrainResult read_run_dir(const std::filesystem::path& dir, const ir::Graph& g);
// Whether `dir` is a complete run folder with a checkpoint to continue from.
bool has_checkpoint(const std::filesystem::path& dir);

}  // namespace hwnas::train
