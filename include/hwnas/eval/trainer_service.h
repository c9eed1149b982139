#pragma once
// eval::TrainerService: the seam between eval, which knows experiments and metrics but no
// libtorch, and the trainer (train/trainer.h, inside the interop plugin). As for the plugin's
// backends (runtime::register_backend): the program that can load the plugin (the hwnas CLI,
// apps/hwnas/trainer_service.cc; its `trial-worker` too) registers a function at start-up, and
// the train metric (train_metric.h) trains through it.
//
//   eval::register_trainer(&train_with_plugin);     // once, at start-up
//   eval::TrainOutcome r = eval::train_candidate({.graph = g, .dataset = "fashion-mnist:/data",
//                                                 .options = {{"epochs", 5}}, .out = "runs/x/trials/12"});
//   r.val_top1;   // percent
//
// The options are the trainer's own (epochs, batch_size, lr, optimizer, ...: `hwnas train`'s flags
// with underscores), passed through as JSON so that eval need not know them; the trainer checks them
// and names a bad one. A coco:<dir> dataset trains a detector (train/detector.h), whose options
// (min_scale, max_scale, score_threshold, ...) may be among them; its outcome has the mAP fields.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "hwnas/ir/graph.h"

namespace hwnas::eval {

struct TrainJob {
  ir::Graph graph;
  std::string dataset;        // "<kind>:<path>" (data/open_dataset.h)
  nlohmann::json options;     // the trainer's options; {} for its defaults
  int epochs = 0;             // overrides options.epochs when > 0 (a rung of a multi-fidelity search)
  int schedule_epochs = 0;    // overrides options.schedule_epochs when > 0 (the last rung's epochs)
  std::filesystem::path out;  // where the trained model folder goes (`hwnas train --out`); empty: none
  // A model folder of the same graph trained for fewer epochs (a promotion): continued from its
  // checkpoint when it has one (train/run_dir.h), else training starts again. Empty: none.
  std::filesystem::path resume_from;
};

struct TrainOutcome {
  double top1 = 0;       // test split, percent (0 when the dataset has none); classifiers
  double val_top1 = 0;   // validation split (or held-out train), percent; classifiers
  double val_map50 = 0;  // detectors: validation mAP@0.5 of the kept epoch, 0..1
  double map50 = 0;      // detectors: test split mAP@0.5, 0..1 (NaN when it has no objects)
  double map = 0;        // detectors: test split mAP@[.5:.95]
  int epochs = 0;        // epochs run (early stopping may stop sooner)
  double seconds = 0;
  std::string trainer;  // what trained it, for sources: "libtorch 1.13 (hwnas trainer, SGD, 2 threads)"
};

using TrainerFn = TrainOutcome (*)(const TrainJob& job);
// Throws hwnas::Error naming a bad option (unknown, mistyped, out of range): the train metric
// checks its options when the experiment is built, not at its first trial.
using TrainOptionsCheck = void (*)(const nlohmann::json& options);

// Registering again replaces both; register at start-up. `check` may be null.
void register_trainer(TrainerFn trainer, TrainOptionsCheck check = nullptr);
// Checks `options` with the registered check; nothing when none is registered.
void check_train_options(const nlohmann::json& options);
// Error saying that training needs the interop plugin (run through the hwnas CLI) when nothing
// registered a trainer.
TrainOutcome train_candidate(const TrainJob& job);

}  // namespace hwnas::eval
