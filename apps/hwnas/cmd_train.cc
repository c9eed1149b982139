// hwnas train: a model trained on a dataset with libtorch (the trainer lives in the interop
// plugin: train/plugin_api.h), its graph, weights, log, metrics and curves written to a folder.
//
//   hwnas train dscnn-mlperf --dataset speech-commands:kws --epochs 30 --threads 2 --out runs/kws
//   hwnas train 'dscnn:<arch>' --dataset fashion-mnist:/usr/share/datasets/fashion-mnist --out runs/f
//   hwnas train ssdlite-mobilenetv2-0.5 --resolution 160 --dataset coco:inspect --out runs/det   (a detector)
//
// The model gets the dataset's number of classes (--classes is implied; a detector's scores get
// the classes + 1); its input must be the dataset's example shape. A coco: dataset trains a
// detector (train/detector.h), with per-epoch validation mAP@0.5. Output folder: train/run_dir.h.
// A model with its own weights -- a trained folder, a folder `hwnas diagnose --out` repaired, an
// ONNX file -- is fine-tuned from them (--from-scratch: random initial weights):
//   hwnas train repaired/ --dataset coco:inspect --epochs 5 --lr 0.0005 --optimizer adam --out runs/tuned
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "command.h"
#include "hwnas/core/error.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/ir/stats.h"
#include "hwnas/space/model_ref.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "hwnas/train/run_dir.h"
#include "hwnas/train/train_loader.h"
#include "train_bar.h"
#include "train_curves.h"

namespace hwnas::cli {
namespace {

struct TrainArgs {
  std::string model, dataset, out, optimizer = "sgd";
  models::ModelOverrides overrides;
  train::TrainOptions o;
  train::DetectorOptions detector;
  bool no_augment = false, constant_lr = false, overwrite = false, resume = false, from_scratch = false;
};

// Built-in models and built-in spaces' archs are built for the dataset's classes; a graph file, a
// YAML space's arch or a trained folder has its own (the resolver refuses overrides there),
// checked by the trainer.
bool fit_to_dataset_classes(const std::string& model) {
  return !std::filesystem::exists(model) && !space::has_fixed_shapes(model);
}

// The weights a model reference carries (a trained or repaired folder, an ONNX file) are where
// training starts -- fine-tuning -- unless --from-scratch or --continue.
std::optional<runtime::Weights> starting_weights(const TrainArgs& a, const ir::Graph& g) {
  if (a.resume || a.from_scratch) return std::nullopt;
  std::optional<runtime::Weights> w = target::model_weights(a.model, g);
  if (w)
    fmt::print(stderr, "fine-tuning from the weights of {} ({}; --from-scratch to start from random ones)\n", a.model,
               target::weights_source(a.model, true, 0));
  return w;
}

// hwnas train on coco:<dir>: a detector (train/detector.h).
void train_detector(const TrainArgs& a, const train::TrainOptions& o) {
  if (a.resume) fail("--continue", "continuing a detector's training is not supported yet; train it again");
  train::check_detector_options(a.detector);
  const data::Coco coco = data::read_coco(data::detection_dataset_dir(a.dataset));
  const int classes = static_cast<int>(coco.class_names.size());
  models::ModelOverrides ov = a.overrides;
  if (fit_to_dataset_classes(a.model)) ov.classes = classes + 1;  // background first
  const ir::Graph g = target::resolve_model(a.model, ov);
  const int64_t params = ir::compute_stats(g).params;
  const std::string dataset = "coco:" + coco.path;
  const std::optional<runtime::Weights> start = starting_weights(a, g);
  train::TrainOptions options = o;
  options.initial_weights = start ? &*start : nullptr;
  fmt::print(stderr,
             "training detector {} ({} params) on {} ({} classes): {} epochs, batch {}, {} lr {}, anchors {}..{}, "
             "{} thread(s), seed {}\n",
             g.name(), params, dataset, classes, o.epochs, o.batch_size, a.optimizer, o.lr,
             a.detector.anchors.min_scale, a.detector.anchors.max_scale, o.threads, o.seed);
  TrainBar bar(isatty(fileno(stderr)));
  const train::DetectorResult r =
      train::train_api().train_detector(g, coco, options, a.detector, [&](const train::DetectorProgress& p) {
        if (!p.epoch_done) {
          bar.update({.epoch = p.epoch,
                      .epochs = p.epochs,
                      .batch = p.batch,
                      .batches = p.batches,
                      .loss = p.loss,
                      .seconds = p.seconds});
          return;
        }
        const train::DetectorEpochLog& e = p.log;
        if (isatty(fileno(stderr))) std::fputs("\r\033[K", stderr);
        fmt::print(stderr,
                   "epoch {}/{}  lr {:.4g}  train loss {:.4f} (box {:.4f}, class {:.4f})  val mAP@0.5 {:.4f} "
                   "mAP {:.4f}  {:.1f} s\n",
                   e.epoch, p.epochs, e.lr, e.train_loss, e.box_loss, e.class_loss, e.val_map50, e.val_map, e.seconds);
      });
  train::write_detector_run_dir(a.out, g, r, {.model = a.model, .dataset = dataset, .options = o, .params = params},
                                a.detector, coco.class_names, a.overwrite);
  fmt::print("{}: trained {} epoch(s){} in {:.1f} s on {} ({} train, {} validation images)\n", a.model, r.log.size(),
             r.stopped_early ? " (stopped early)" : "", r.seconds, dataset, r.train_images, r.val_images);
  fmt::print(
      "val mAP@0.5 {:.4f} (best epoch {}); test mAP@0.5 {:.4f}, mAP@[.5:.95] {:.4f} on {} images (libtorch "
      "eval mode, COCO mAP)\n",
      r.val_map50, r.best_epoch, r.test.map50, r.test.map, r.test_images);
  fmt::print("wrote {}: model.json, weights.hwnasw, train_log.csv, metrics.json, detector.json\n", a.out);
}

void add_train(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a model on a dataset (libtorch); write graph, weights, log, curves");
  auto a = std::make_shared<TrainArgs>();
  train::TrainOptions& o = a->o;
  cmd->add_option("model", a->model,
                  "a built-in model (dscnn-mlperf, ...), <space>[@device]:<arch>, or a graph JSON file")
      ->required();
  cmd->add_option("--dataset", a->dataset,
                  "<kind>:<path>: speech-commands, fashion-mnist, cifar10, image-folder, coco (a detector; "
                  "docs/data.md)")
      ->required();
  cmd->add_option("--out", a->out, "the folder to write (model.json, weights.hwnasw, train_log.csv, ...)")->required();
  cmd->add_option("--epochs", o.epochs, "training epochs")->capture_default_str()->check(CLI::Range(1, 100000));
  cmd->add_option("--batch-size", o.batch_size, "examples per step")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--optimizer", a->optimizer, "sgd (momentum, Nesterov), adam or adamw")
      ->capture_default_str()
      ->check(CLI::IsMember({"sgd", "adam", "adamw"}));
  cmd->add_option("--lr", o.lr, "peak learning rate")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--momentum", o.momentum, "SGD momentum")->capture_default_str()->check(CLI::Range(0.0, 0.9999));
  cmd->add_option("--weight-decay", o.weight_decay, "on conv and FC kernels only")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--label-smoothing", o.label_smoothing, "targets (1-s) one-hot + s/K")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.999));
  cmd->add_option("--warmup-epochs", o.warmup_epochs, "linear warm-up epochs")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--constant-lr", a->constant_lr, "no cosine decay after warm-up");
  cmd->add_option("--schedule-epochs", o.schedule_epochs,
                  "the schedule's horizon in epochs (0: --epochs); a run to be continued later sets its final epochs")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--continue", a->resume,
                "the model is a run folder (hwnas train --out) to go on training from, up to --epochs; give the "
                "first run's flags again");
  cmd->add_flag("--no-augment", a->no_augment, "turn the dataset's augmentation off");
  cmd->add_option("--patience", o.patience, "stop after this many epochs without a better val accuracy (0: never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", o.seed, "seed of weights, data order and augmentation")->capture_default_str();
  cmd->add_option("--threads", o.threads, "libtorch threads")->capture_default_str()->check(CLI::Range(1, 1024));
  cmd->add_option("--max-examples", o.max_examples, "a seeded subset of at most this many examples per split (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--resolution", a->overrides.resolution, "input height and width (default: the model's own)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--min-scale", a->detector.anchors.min_scale,
                  "detectors: anchor scale of the finest feature map, a fraction of the image (SSD's min_scale)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-scale", a->detector.anchors.max_scale,
                  "detectors: anchor scale of the coarsest feature map (SSD's max_scale)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--score-threshold", a->detector.select.score_threshold,
                  "detectors: class probability below which a box is no detection (validation, test, and kept "
                  "for hwnas eval)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.999));
  cmd->add_flag("--overwrite", a->overwrite, "replace --out if it exists");
  cmd->add_flag("--from-scratch", a->from_scratch,
                "random initial weights even when the model has its own (a trained or repaired folder, an ONNX "
                "file), which are otherwise fine-tuned");
  cmd->callback([a] {
    train::TrainOptions options = a->o;
    options.optimizer = train::parse_optimizer(a->optimizer);
    options.augment = !a->no_augment;
    options.cosine = !a->constant_lr;
    train::check_options(options);
    namespace fs = std::filesystem;
    if (fs::exists(a->out) && !a->overwrite)
      fail(a->out, "already exists; pass --overwrite to replace it, or choose another --out");
    if (data::is_detection_dataset(a->dataset)) return train_detector(*a, options);
    auto ds = data::open_dataset(a->dataset);
    models::ModelOverrides ov = a->overrides;
    if (fit_to_dataset_classes(a->model)) ov.classes = ds->num_classes();
    const ir::Graph g = target::resolve_model(a->model, ov);
    // Features computed for the model's input (MFCC frames and coefficients of a dscnn arch with
    // frames=25, mfcc=13: 40 ms strides, 13 coefficients).
    if (const std::vector<int> in = g.inputs(); in.size() == 1 && g.node(in[0]).shape.rank() == 4) {
      const ir::Shape& s = g.node(in[0]).shape;
      const data::OpenOptions fitted =
          data::fit_front_end(a->dataset, {static_cast<int>(s.h()), static_cast<int>(s.w()), static_cast<int>(s.c())});
      if (fitted.speech.mfcc != data::OpenOptions{}.speech.mfcc) ds = data::open_dataset(a->dataset, fitted);
    }
    std::optional<train::TrainResult> earlier;
    if (a->resume) earlier = train::read_run_dir(a->model, g);
    const std::optional<runtime::Weights> start = starting_weights(*a, g);
    options.initial_weights = start ? &*start : nullptr;
    const int64_t params = ir::compute_stats(g).params;
    fmt::print(stderr, "training {} ({} params) on {}: {} epochs, batch {}, {} lr {}, {} thread(s), seed {}\n",
               g.name(), params, ds->reference(), options.epochs, options.batch_size, a->optimizer, options.lr,
               options.threads, options.seed);
    TrainBar bar(isatty(fileno(stderr)));
    const train::TrainResult r = train::train_api().train(
        g, *ds, options, [&](const train::TrainProgress& p) { bar.update(p); }, earlier ? &*earlier : nullptr);
    const std::string title = (fmt::format("{} on {}: test top-1 {:.2f}% (epoch {} of {})", a->model, ds->reference(),
                                           r.test.top1(), r.best_epoch, r.log.size()));
    train::write_run_dir(a->out, g, r,
                         {.model = a->model, .dataset = ds->reference(), .options = options, .params = params},
                         curves_svg(r, title), a->overwrite);
    fmt::print("{}: trained {} epoch(s){} in {:.1f} s on {} ({} train, {} validation from the {})\n", a->model,
               r.log.size(), r.stopped_early ? " (stopped early)" : "", r.seconds, ds->reference(), r.train_examples,
               r.val_examples, r.validation_from);
    fmt::print("val top-1 {:.2f}% (best epoch {}); test top-1 {:.2f}% on {} examples (libtorch eval mode)\n",
               r.val_top1, r.best_epoch, r.test.top1(), r.test.examples());
    fmt::print("wrote {}: model.json, weights.hwnasw, train_log.csv, metrics.json, curves.svg\n", a->out);
  });
}

CommandRegistration train_reg(55, add_train);

}  // namespace
}  // namespace hwnas::cli
