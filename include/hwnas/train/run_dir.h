#pragma once
// The folder `hwnas train --out DIR` writes, from a TrainResult: everything a later command or
// a notebook needs to use or judge the trained model.
//
//   DIR/model.json      the graph (ir/serialize.h)
//   DIR/weights.hwnasw  the kept (best validation epoch) weights (runtime::save_weights)
//   DIR/train_log.csv   one row per epoch: epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds
//   DIR/metrics.json    {"top1": test accuracy in percent, "val_top1", "best_epoch", "epochs", ...}
//   DIR/curves.svg      loss and accuracy per epoch (drawn by the caller: report/ is above train/)
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

}  // namespace hwnas::train
