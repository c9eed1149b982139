#pragma once
// The quantization-aware step after post-training quantization (quantize_step.h), shared by
// `hwnas quantize --qat` and `hwnas search`'s deploy: section (docs/quant.md, "Quantization-aware
// training"): decide on held-out data whether int8 loses too much, fine-tune through the trainer
// in the plugin (train/qat.h) with PTQ's ranges frozen, measure the result, keep the better model
// (QAT's only when it is strictly better on the held-out split).
//
//   const QatOutcome o = quantization_aware(model_ref, g, w, *ds, split, ptq, {.mode = train::QatMode::automatic});
//   o.model(ptq);   // the QAT model when it ran and beat PTQ on validation, else PTQ's
//   write_file_atomic(dir / "qat.json", o.record().dump(2));
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hwnas/train/qat.h"
#include "quantize_step.h"

namespace hwnas::cli {

struct QatSettings {
  train::QatMode mode = train::QatMode::automatic;
  int epochs = 2;
  double lr = 0;               // peak learning rate of the fine-tuning; 0: 1/10 of the trained run's
  int threads = 2;             // libtorch threads
  int64_t check_examples = 0;  // held-out examples for the decision (0: the whole split)
};

struct QatOutcome {
  QatSettings settings;
  train::QatDecision decision;
  // The held-out split of the decision: validation, else the evaluated split (said in check_source).
  data::Split check_split = data::Split::validation;
  std::string check_source;
  quant::DatasetComparison ptq_check;  // fp32 and post-training int8 on it (empty when not measured)
  // When the fine-tuning ran:
  train::TrainOptions options;  // its options
  std::string options_from;     // where its learning rate and optimizer came from
  std::optional<train::QatResult> qat;
  runtime::InferenceParams qat_params;  // of the fine-tuned weights, folded
  quant::DatasetComparison qat_check;   // the QAT model on the held-out split
  quant::DatasetComparison qat_eval;    // and on the evaluated split
  std::string qat_source;               // where qat_eval comes from
  bool kept = false;                    // the QAT model replaces PTQ's: its held-out int8 top-1 is above PTQ's

  const quant::QuantizedModel& model(const Quantized& ptq) const { return kept ? qat->model : ptq.model; }
  nlohmann::json record() const;  // what the model folder's qat.json holds
};

// The training options a model reference was trained with (its run folder's metrics.json), or
// nullopt when it is not a run folder.
std::optional<train::TrainOptions> trained_options(const std::string& model_ref);

// Error naming the flag when a setting is out of range (--qat-epochs, --qat-lr, --threads), and
// for --qat on with a dataset without a train split (auto skips then, and for untrained weights).
void check_qat_settings(const QatSettings& s, const data::Dataset& ds);

QatOutcome quantization_aware(const std::string& model_ref, const ir::Graph& g, const runtime::Weights& w,
                              const data::Dataset& ds, data::Split split, const Quantized& ptq,
                              const QuantizeSettings& qs, const QatSettings& s, bool trained = true);

// Lines for people: the decision, and when QAT ran, its settings and int8 accuracies beside PTQ's.
std::string qat_summary(const QatOutcome& o);

}  // namespace hwnas::cli
