// hwnas eval: accuracy of a model on a dataset, measured on a runtime backend (docs/eval.md).
//
//   hwnas eval runs/kws --dataset speech-commands:kws                 # a trained model directory
//   hwnas eval runs/c10 --dataset cifar10:/data/c10 --backend reference --max-examples 1000 --json
//   hwnas eval mobilenetv2-1.0 --dataset image-folder:val --resize 256 --crop 224
//       --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225     (one command line)
//   hwnas eval runs/det --dataset coco:inspect                         # a trained detector: COCO mAP
//
// Prints top-1 with where it comes from, per-class accuracy and the confusion matrix; --json
// prints them as one object (top1 in percent). A model without weights of its own (a built-in
// name, an architecture, a graph file) runs on random initial weights, and the output says so.
// A coco: dataset evaluates a detector (eval/detection_eval.h): mAP@0.5, mAP@[.5:.95], AP per
// class, decoded with the anchors and thresholds of the folder's detector.json.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "hwnas/data/coco.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/eval/accuracy.h"
#include "hwnas/eval/detection_eval.h"
#include "hwnas/exp/task_progress.h"
#include "hwnas/runtime/backend.h"
#include "hwnas/target/model_weights.h"
#include "hwnas/target/resolver.h"
#include "hwnas/train/run_dir.h"
#include "table.h"

namespace hwnas::cli {
namespace {

struct EvalArgs {
  std::string model, dataset, split = "test";
  models::ModelOverrides overrides;
  eval::AccuracyOptions options;
  data::OpenOptions open;
  uint64_t seed = 0;
  bool json = false;
};

// Larger confusion matrices are in --json only: a 1000-column table helps nobody.
constexpr int kMaxPrintedClasses = 20;

void print_text(const data::Accuracy& a, const std::string& source) {
  fmt::print("top-1: {:.2f}% ({} of {} correct) -- {}\n", a.top1(), group_digits(a.correct()),
             group_digits(a.examples()), source);
  TextTable t({{"class"}, {"examples", Align::Right}, {"correct", Align::Right}, {"top-1 %", Align::Right}});
  const std::vector<double> pc = a.per_class();
  for (int c = 0; c < a.num_classes(); ++c)
    t.add_row({a.class_names[c], group_digits(a.class_examples(c)), group_digits(a.confusion[c][c]),
               std::isnan(pc[c]) ? "-" : fmt::format("{:.2f}", pc[c])});
  fmt::print("\nper-class accuracy:\n{}", t.str());
  if (a.num_classes() > kMaxPrintedClasses) {
    fmt::print("\nconfusion matrix: {} classes, in --json only\n", a.num_classes());
    return;
  }
  std::vector<TextTable::Column> cols = {{"true \\ predicted"}};
  for (int c = 0; c < a.num_classes(); ++c) cols.push_back({std::to_string(c), Align::Right});
  TextTable m(cols);
  for (int r = 0; r < a.num_classes(); ++r) {
    std::vector<std::string> row = {fmt::format("{} {}", r, a.class_names[r])};
    for (int c = 0; c < a.num_classes(); ++c) row.push_back(std::to_string(a.confusion[r][c]));
    m.add_row(row);
  }
  fmt::print("\nconfusion matrix (rows: true class, columns: predicted class):\n{}", m.str());
}

std::string ap_text(double v) { return std::isnan(v) ? "-" : fmt::format("{:.4f}", v); }

// hwnas eval on coco:<dir>: a detector's COCO mAP on a runtime backend.
void eval_detector(const EvalArgs& a) {
  namespace fs = std::filesystem;
  const data::Coco coco = data::read_coco(data::detection_dataset_dir(a.dataset));
  models::ModelOverrides ov = a.overrides;
  if (!fs::exists(a.model) && ov.classes == 0) ov.classes = static_cast<int>(coco.class_names.size()) + 1;
  const ir::Graph g = target::resolve_model(a.model, ov);
  const std::optional<train::DetectorOptions> trained_with =
      fs::is_directory(a.model) ? train::read_detector_options(a.model) : std::nullopt;
  const train::DetectorOptions detector = trained_with.value_or(train::DetectorOptions{});
  eval::DetectionEvalOptions o{.backend = a.options.backend,
                               .threads = a.options.threads,
                               .split = a.options.split,
                               .max_images = a.options.max_examples,
                               .anchors = detector.anchors,
                               .select = detector.select};
  const std::optional<runtime::Weights> own = target::model_weights(a.model, g);
  const runtime::Weights w = own ? *own : runtime::init_weights(g, {.seed = a.seed});
  const std::string weights = target::weights_source(a.model, own.has_value(), a.seed);
  if (!own)
    fmt::print(stderr,
               "WARNING: '{}' has no trained weights: evaluating UNTRAINED RANDOM INITIALISATION (seed {}); "
               "expect an mAP near 0. Give a trained model directory (hwnas train --out DIR).\n",
               a.model, a.seed);
  const std::string decoding =
      trained_with ? "anchors and thresholds of " + (fs::path(a.model) / "detector.json").string()
                   : "default anchors and thresholds (train/detector.h), the model has no detector.json";
  std::unique_ptr<exp::TaskProgress> bar;
  if (::isatty(STDERR_FILENO)) {
    bar = std::make_unique<exp::TaskProgress>(stderr, true, "evaluating", "images");
    o.progress = [&bar](int64_t done, int64_t total) { bar->update(done, total); };
  }
  const eval::DetectionEvaluation e = eval::evaluate_detector(g, w, coco, o);
  const std::string source = eval::describe(e, coco, o);
  if (a.json) {
    nlohmann::json j = eval::to_json(e);
    j["split"] = data::split_name(o.split);
    j["dataset"] = "coco:" + coco.path;
    j["backend"] = o.backend;
    j["threads"] = o.threads;
    j["model"] = a.model;
    j["weights"] = weights;
    j["trained"] = own.has_value();
    j["decoding"] = decoding;
    j["source"] = source;
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("model: {} ({})\n", a.model, g.name());
  fmt::print("weights: {}\n",
             own ? weights : "UNTRAINED -- " + weights + "; these figures say nothing about the architecture");
  fmt::print("decoding: {}\n", decoding);
  fmt::print("mAP@0.5: {} -- {}\n", ap_text(e.map.map50), source);
  fmt::print("mAP@[.5:.95]: {} -- the same run\n", ap_text(e.map.map));
  TextTable t({{"class"}, {"objects", Align::Right}, {"AP@0.5", Align::Right}, {"AP@[.5:.95]", Align::Right}});
  for (size_t c = 0; c < e.class_names.size(); ++c) {
    double ap = 0;
    for (double v : e.map.ap[c]) ap += v;
    t.add_row(
        {e.class_names[c], group_digits(e.objects[c]), ap_text(e.map.ap[c][0]), ap_text(ap / data::kIouThresholds)});
  }
  fmt::print("\nper-class AP ({} images, {} detections kept):\n{}", group_digits(e.images), group_digits(e.detections),
             t.str());
}

void add_eval(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Accuracy of a model on a dataset (top-1, per class, confusion matrix)");
  auto a = std::make_shared<EvalArgs>();
  cmd->add_option("model", a->model,
                  "a trained model directory (hwnas train --out), a built-in model, <space>[@device]:<arch>, or a "
                  "graph JSON file")
      ->required();
  cmd->add_option("--dataset", a->dataset,
                  "<kind>:<path>, kind one of speech-commands, fashion-mnist, cifar10, "
                  "image-folder, coco (a detector: COCO mAP)")
      ->required();
  cmd->add_option("--split", a->split, "train, validation or test")->capture_default_str();
  cmd->add_option("--backend", a->options.backend, "the runtime: xnnpack, reference (the oracle), ...")
      ->check(CLI::IsMember(runtime::backend_names()))
      ->capture_default_str();
  cmd->add_option("--threads", a->options.threads, "worker threads (xnnpack)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--max-examples", a->options.max_examples,
                  "evaluate this many examples, evenly spaced over the split (default: all)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--resolution", a->overrides.resolution, "built-in models: input height and width")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--classes", a->overrides.classes, "built-in models: number of output classes")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", a->seed, "seed of the random weights of a model without its own")->capture_default_str();
  auto& m = a->open.speech.mfcc;
  const std::vector<CLI::Option*> front_end = {
      cmd->add_option("--window-ms", m.window_ms, "speech-commands: MFCC window (default: fitted to the model's input)")
          ->capture_default_str(),
      cmd->add_option("--stride-ms", m.stride_ms, "speech-commands: MFCC stride (default: fitted to the model's input)")
          ->capture_default_str(),
      cmd->add_option("--mel-bands", m.mel_bands, "speech-commands: mel bands")->capture_default_str(),
      cmd->add_option("--coefficients", m.coefficients,
                      "speech-commands: MFCC coefficients kept (default: the model's input width)")
          ->capture_default_str()};
  auto& im = a->open.image;
  cmd->add_option("--resize", im.resize, "image-folder: resize (the shorter side when --crop is given)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--crop", im.crop, "image-folder: centre crop to this size")->check(CLI::Range(1, 100000));
  cmd->add_option("--mean", im.mean, "image datasets: per-channel mean of [0,1] pixels, e.g. 0.485,0.456,0.406")
      ->delimiter(',');
  cmd->add_option("--std", im.std, "image datasets: per-channel std, e.g. 0.229,0.224,0.225")->delimiter(',');
  cmd->add_flag("--json", a->json, "print JSON: top1 (percent), per_class, confusion, examples, split, dataset, ...");
  cmd->callback([a, front_end] {
    a->options.split = data::parse_split(a->split);
    if (data::is_detection_dataset(a->dataset)) return eval_detector(*a);
    const ir::Graph g = target::resolve_model(a->model, a->overrides);
    // Without MFCC flags, the features the model was trained on: its input's frames and
    // coefficients (a dscnn arch with frames=25 takes 40 ms windows every 40 ms), as hwnas train did.
    const bool mfcc_flags =
        std::any_of(front_end.begin(), front_end.end(), [](CLI::Option* o) { return o->count() > 0; });
    if (const std::vector<int> in = g.inputs(); !mfcc_flags && in.size() == 1 && g.node(in[0]).shape.rank() == 4) {
      const ir::Shape& s = g.node(in[0]).shape;
      a->open =
          data::fit_front_end(a->dataset, {static_cast<int>(s.h()), static_cast<int>(s.w()), static_cast<int>(s.c())},
                              a->open);
    }
    const auto ds = data::open_dataset(a->dataset, a->open);
    const std::optional<runtime::Weights> own = target::model_weights(a->model, g);
    const runtime::Weights w = own ? *own : runtime::init_weights(g, {.seed = a->seed});
    const std::string weights = target::weights_source(a->model, own.has_value(), a->seed);
    if (!own)
      fmt::print(stderr,
                 "WARNING: '{}' has no trained weights: evaluating UNTRAINED RANDOM INITIALISATION (seed {}); "
                 "expect chance-level accuracy. Give a trained model directory (hwnas train --out DIR).\n",
                 a->model, a->seed);
    std::unique_ptr<exp::TaskProgress> bar;
    if (::isatty(STDERR_FILENO) || ds->size(a->options.split) > 2000)
      bar = std::make_unique<exp::TaskProgress>(stderr, ::isatty(STDERR_FILENO), "evaluating", "examples");
    if (bar) a->options.progress = [&bar](int64_t done, int64_t total) { bar->update(done, total); };
    const data::Accuracy acc = eval::evaluate_accuracy(g, w, *ds, a->options);
    const std::string source = eval::describe(acc, *ds, a->options);
    if (a->json) {
      nlohmann::json j = eval::to_json(acc);
      j["split"] = data::split_name(a->options.split);
      j["dataset"] = ds->reference();
      j["backend"] = a->options.backend;
      j["threads"] = a->options.threads;
      j["model"] = a->model;
      j["weights"] = weights;
      j["trained"] = own.has_value();
      j["source"] = source;
      fmt::print("{}\n", j.dump(2));
      return;
    }
    fmt::print("model: {} ({})\n", a->model, g.name());
    fmt::print("weights: {}\n",
               own ? weights : "UNTRAINED -- " + weights + "; these figures say nothing about the architecture");
    print_text(acc, source);
  });
}

// After data (47): evaluation reads datasets.
CommandRegistration eval_reg(48, add_eval);

}  // namespace
}  // namespace hwnas::cli
