#pragma once
// train::train(): a graph trained on a dataset with libtorch (GraphModule), the way image and
// keyword-spotting classifiers are usually trained: SGD (momentum, Nesterov) or Adam/AdamW,
// linear warm-up then a cosine schedule stepped per batch, weight decay on conv and FC kernels
// only (not on biases or BatchNorm), label smoothing, the dataset's own augmentation, early
// stopping on validation accuracy; the weights of the best validation epoch are kept, and the
// test accuracy is of those. This header has no libtorch in it (the CLI reaches the trainer
// through the plugin: plugin_api.h).
//
//   auto ds = data::open_dataset("fashion-mnist:/usr/share/datasets/fashion-mnist");
//   train::TrainResult r = train::train(graph, *ds, {.epochs = 5, .lr = 0.05, .threads = 2});
//   runtime::save_weights("w.hwnasw", graph, r.weights);   r.test.top1();  r.log[0].val_acc;
//
// Splits: the dataset's validation split, or, when it has none, a held-out 10% of train (a
// seeded shuffle) that is then not trained on. max_examples takes a seeded subset of each split.
//
// Determinism: torch::manual_seed(seed) and the initial weights (runtime::init_weights, seed)
// fix the start; the data order of epoch e is a shuffle by hwnas::Rng(seed).fork(e), and the
// augmentation seed of epoch e is derived from (seed, e). With the same seed and the same
// `threads`, two runs give bit-identical weights and logs (ATen's CPU kernels are deterministic
// for a fixed thread count). Across thread counts they are NOT bit-identical: convolution
// backward and reductions split their sums by thread, so results agree only to float rounding,
// which training then amplifies over epochs.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hwnas/data/accuracy.h"
#include "hwnas/data/dataset.h"
#include "hwnas/ir/graph.h"
#include "hwnas/runtime/weights.h"

namespace hwnas::train {

enum class Optimizer { sgd, adam, adamw };
std::string_view optimizer_name(Optimizer o);
Optimizer parse_optimizer(std::string_view name);  // Error lists sgd, adam, adamw

struct TrainOptions {
  int epochs = 10;
  int batch_size = 64;
  Optimizer optimizer = Optimizer::sgd;
  double lr = 0.05;  // peak learning rate (after warm-up)
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 5e-4;  // conv and FC kernels only
  double warmup_epochs = 0;    // linear warm-up from lr/steps to lr over this many epochs
  bool cosine = true;          // cosine decay to 0 at the end of the last epoch; false: constant
  int schedule_epochs = 0;     // the schedule's horizon (warm-up and cosine) in epochs; 0: `epochs`. A run
                               // that a multi-fidelity search will continue decays over its last rung
  double label_smoothing = 0;  // targets (1-s) one-hot + s/K, as PyTorch's CrossEntropyLoss
  bool augment = true;         // the dataset's augmentation on the train split
  int patience = 0;            // stop after this many epochs without a better val accuracy; 0: never
  uint64_t seed = 0;
  int threads = 1;           // libtorch intra-op threads (process-wide in libtorch)
  int64_t max_examples = 0;  // per split, a seeded subset; 0: all
  int eval_batch_size = 256;
  // Fine-tuning: the weights to start from (a trained or repaired model folder's) instead of
  // runtime::init_weights(seed). Not owned: they must outlive the call. Not in the options' JSON.
  const runtime::Weights* initial_weights = nullptr;
};

// Throws hwnas::Error naming the option and the fix when a value is out of range.
void check_options(const TrainOptions& o);
// Options from JSON with the field names above (a train metric's YAML, passed through eval), the
// rest at their defaults; an unknown key or a value of the wrong type is an Error naming it. Checked.
TrainOptions options_from_json(const nlohmann::json& j);

// The learning rate of global step `step` (0-based, one per batch) of `steps_per_epoch`:
// warm-up: lr * (step+1) / W while step < W = warmup_epochs * steps_per_epoch; then
// lr * (1 + cos(pi * (step - W) / (T - W))) / 2 with T = horizon * steps_per_epoch (cosine), or lr;
// the horizon is schedule_epochs, or epochs when that is 0.
double learning_rate(const TrainOptions& o, int64_t step, int64_t steps_per_epoch);

struct EpochLog {
  int epoch = 0;                         // 1-based
  double lr = 0;                         // at the epoch's first step
  double train_loss = 0, train_acc = 0;  // mean over the epoch's batches, train mode, augmented; acc in percent
  double val_loss = 0, val_acc = 0;      // eval mode, no augmentation, no smoothing; percent
  double seconds = 0;                    // wall clock of the epoch, validation included
};

struct TrainResult {
  runtime::Weights weights;  // of the best validation epoch
  int best_epoch = 0;
  std::vector<EpochLog> log;
  bool stopped_early = false;
  double val_top1 = 0;  // percent, of the kept weights
  data::Accuracy test;  // of the kept weights, torch eval mode; examples() == 0 when there is no test split
  double seconds = 0;   // wall clock of the whole run
  int64_t train_examples = 0, val_examples = 0, test_examples = 0;
  std::string validation_from;  // "validation split" or "10% of train held out"
  // Where training stopped, for train(..., resume) to go on from: the weights after the last epoch
  // (not the best) and libtorch's serialized optimizer state (momentum, Adam's moments).
  runtime::Weights last_weights;
  std::string optimizer_state;
};

// Reported after each batch (epoch_done false) and after each epoch's validation (epoch_done
// true, `log` the new row).
struct TrainProgress {
  int epoch = 0, epochs = 0;
  int64_t batch = 0, batches = 0;
  double loss = 0;     // running mean of this epoch
  double seconds = 0;  // since the start of training
  bool epoch_done = false;
  EpochLog log;
};
using ProgressFn = std::function<void(const TrainProgress&)>;

// Error (naming the graph and the dataset) when the graph's input is not [1,H,W,C] of the
// dataset's input shape or its output is not [1,classes].
//
// With `resume` (the result of an earlier run of the same graph, dataset and options but fewer
// epochs), training goes on from its last epoch instead of starting again: its log, best epoch and
// kept weights carry over, and epochs log.size()+1 .. options.epochs run from its last weights and
// optimizer state. Give both runs the same schedule_epochs and the result equals one run of
// options.epochs, bit for bit at the same thread count (each epoch's data order and augmentation
// are seeded by its number). Error when `resume` ran more epochs or has no state to go on from.
TrainResult train(const ir::Graph& g, const data::Dataset& ds, const TrainOptions& options,
                  const ProgressFn& progress = {}, const TrainResult* resume = nullptr);

// Top-1, per-class accuracy and confusion of `w` on a split, libtorch eval mode (max_examples:
// the same seeded subset train() uses, seed 0).
data::Accuracy evaluate(const ir::Graph& g, const runtime::Weights& w, const data::Dataset& ds, data::Split split,
                        int threads = 1, int64_t max_examples = 0, int batch_size = 256);

// The indices train() uses for a split: all, or a seeded subset of max_examples (sorted).
std::vector<int64_t> split_indices(int64_t size, int64_t max_examples, uint64_t seed);

}  // namespace hwnas::train
