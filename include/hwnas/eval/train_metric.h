#pragma once
// eval::TrainMetric: an architecture's accuracy after training it for real, on a dataset users
// have (data/open_dataset.h), with hwnas's libtorch trainer (reached through trainer_service.h).
// Expensive, and the one metric whose value depends on the fidelity of a multi-fidelity search:
// evaluate_at(arch, s, epochs) trains for `epochs` (0: the configured epochs).
//
//   metrics:
//     accuracy: {train: {dataset: speech-commands:data/kws, epochs: 10, batch_size: 64, lr: 0.05}}
//     # value: val_top1 (default: select on validation, never on test) | top1 (test split)
//   detection:
//     train: {dataset: coco:data/inspect, epochs: 30, batch_size: 32, optimizer: adam, lr: 0.002, min_scale: 0.1}
//     # value: val_map50 (default for coco:, validation mAP@0.5) | map50 | map (test mAP@0.5, @[.5:.95])
//   (detector values are in 0..1; a classifier's in percent.)
//
// In a multi-fidelity search that continues training (fidelity.continue, the default), rung r
// trains with a schedule spanning the last rung and a promoted candidate goes on from its model
// folder of the rung below (its checkpoint/), so epochs 1..r are never trained twice.
//
// Each trained model is kept as a model folder (`hwnas train --out`'s layout: graph, weights,
// training log, curves, metrics.json) in <output>/models/<arch hash>-e<epochs>, so the winner of a
// search is a model reference as it stands (`hwnas eval runs/x/models/...`).
// The dataset path is relative to the experiment file, like every path in it.
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "hwnas/eval/metric.h"

namespace hwnas::eval {

enum class TrainValue { ValTop1, Top1, ValMap50, Map50, Map };
std::string_view train_value_name(TrainValue v);  // "val_top1", "top1", "val_map50", "map50", "map"
bool is_detection_value(TrainValue v);

class TrainMetric : public Metric {
 public:
  // `options`: the trainer's options without the dataset; `models`: where trained models are
  // kept (empty: nowhere, e.g. an in-memory run).
  TrainMetric(std::string name, CostClass cost, std::string dataset, nlohmann::json options, TrainValue value,
              std::shared_ptr<const space::SearchSpace> space, std::filesystem::path models,
              std::vector<int> continued_rungs = {});

  std::string source() const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;
  double evaluate_at(const space::Arch& arch, const std::string& arch_str, int epochs) const override;
  bool has_fidelity() const override { return true; }

  // The folder a trained model of `arch_str` at `epochs` (0: the configured epochs) is kept in
  // (under `models`); `hwnas search`'s deploy: section takes the best trial's from here.
  std::filesystem::path model_folder(const std::string& arch_str, int epochs) const;

 private:
  std::string dataset_;
  nlohmann::json options_;
  TrainValue value_;
  std::shared_ptr<const space::SearchSpace> space_;  // shared: a timed-out trial may outlive the run
  std::filesystem::path models_;
  std::vector<int> rungs_;  // continued rungs, increasing (empty: every evaluation trains from scratch)
};

}  // namespace hwnas::eval
