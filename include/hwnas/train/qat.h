#pragma once
// Quantization-aware fine-tuning: when post-training int8 (quant/) loses accuracy, train the fp32
// model a few more epochs at a low learning rate with int8 inference simulated in its forward
// pass (train/fake_quant.h: BatchNorm folded on frozen statistics, per-channel symmetric int8
// weights, per-tensor asymmetric int8 activations at the calibrated ranges, straight-through
// gradients), then quantize the fine-tuned weights with quant's normal path on the same ranges.
// The result is a quant::QuantizedModel like any other: quant::run_int8 defines its arithmetic,
// bit for bit, and the generated C reproduces it. docs/quant.md, "Quantization-aware training".
//
//   auto ranges = quant::calibrate(g, runtime::inference_params(g, w, true), samples);   // PTQ's ranges
//   train::QatResult r = train::fine_tune_quantized(g, w, *ds, ranges,
//                                                   {.train = train::qat_train_options(trained, 2)});
//   quant::save_quantized_model("out", r.model);   r.fine_tune.log;   r.fine_tune.weights;
//
// The activation ranges stay frozen at the calibration's (no EMA observers): the weights learn to
// fit the grid they will be deployed on, and the deployed model uses exactly that grid.
//
// Torch-free: the CLI reaches fine_tune_quantized through the plugin (plugin_api.h).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hwnas/quant/quantized_model.h"
#include "hwnas/train/trainer.h"

namespace hwnas::train {

// off: post-training quantization only; on: always fine-tune; auto: fine-tune only when int8 loses
// more than kQatAutoPoints of top-1 against fp32 on held-out data (the validation split).
enum class QatMode { off, on, automatic };
std::string_view qat_mode_name(QatMode m);                                       // "off", "on", "auto"
QatMode parse_qat_mode(std::string_view name, std::string_view flag = "--qat");  // Error names the flag and the choices
inline constexpr double kQatAutoPoints = 1.0;

struct QatDecision {
  bool run = false;
  std::string reason;  // for people: "int8 is 3.20 points below fp32 (more than 1)", "--qat off", ...
};
// fp32_top1 and int8_top1 in percent, of the same held-out examples.
QatDecision decide_qat(QatMode mode, double fp32_top1, double int8_top1);

// The fine-tuning's options from the training run's: its optimizer, batch size, weight decay,
// augmentation, label smoothing and seed; lr_scale (1/10) of its peak learning rate; cosine to 0
// over `epochs`, no warm-up (the weights are already trained), no early stopping. Error when
// epochs < 1 or lr_scale is not positive.
TrainOptions qat_train_options(const TrainOptions& trained, int epochs, double lr_scale = 0.1);

struct QatOptions {
  TrainOptions train;          // the fine-tuning (qat_train_options); the kept epoch is the best on validation
  bool per_channel_fc = true;  // quant::QuantizeOptions::per_channel_fc: simulated and then quantized so
};

struct QatResult {
  TrainResult fine_tune;        // log (val_acc as simulated), kept epoch and its fp32 weights (training form)
  quant::QuantizedModel model;  // quant::quantize_model of the kept weights, folded, on the QAT ranges
};

// Fine-tunes `w` (trained fp32 weights of `g`) on `ds` with int8 simulated, the activation ranges
// `ranges` (quant::calibrate's, per node) frozen. Error when `g` is not quantizable (the node and
// op, as quant::check_quantizable says) or does not fit the dataset.
QatResult fine_tune_quantized(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds,
                              const std::vector<std::pair<float, float>>& ranges, const QatOptions& options,
                              const ProgressFn& progress = {});

}  // namespace hwnas::train
