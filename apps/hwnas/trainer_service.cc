// Wires eval's trainer seam (eval/trainer_service.h) to the trainer in the interop plugin
// (train/plugin_api.h): eval sits below the plugin loader and cannot load it itself. The train
// metric's options arrive as JSON, with the names of `hwnas train`'s flags in snake case.
#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/eval/trainer_service.h"
#include "hwnas/ir/stats.h"
#include "hwnas/train/run_dir.h"
#include "hwnas/train/train_loader.h"
#include "train_curves.h"

namespace hwnas::cli {
namespace {

const std::vector<std::string> kOptionNames = {"epochs",   "batch_size",      "optimizer",    "lr",
                                               "momentum", "nesterov",        "weight_decay", "warmup_epochs",
                                               "cosine",   "label_smoothing", "augment",      "patience",
                                               "seed",     "threads",         "max_examples", "eval_batch_size"};

template <typename T>
T option(const nlohmann::json& j, const std::string& key, T fallback) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("train option '" + key + "'", "{} is not a {}", j.at(key).dump(),
         std::is_same_v<T, bool>          ? "true/false"
         : std::is_same_v<T, std::string> ? "name"
                                          : "number");
  }
}

train::TrainOptions train_options(const nlohmann::json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(kOptionNames.begin(), kOptionNames.end(), it.key()) == kOptionNames.end())
      fail("train option '" + it.key() + "'", "unknown; the trainer's options are {}", fmt::join(kOptionNames, ", "));
  const train::TrainOptions d;
  train::TrainOptions o;
  o.epochs = option(j, "epochs", d.epochs);
  o.batch_size = option(j, "batch_size", d.batch_size);
  o.optimizer =
      train::parse_optimizer(option<std::string>(j, "optimizer", std::string(train::optimizer_name(d.optimizer))));
  o.lr = option(j, "lr", d.lr);
  o.momentum = option(j, "momentum", d.momentum);
  o.nesterov = option(j, "nesterov", d.nesterov);
  o.weight_decay = option(j, "weight_decay", d.weight_decay);
  o.warmup_epochs = option(j, "warmup_epochs", d.warmup_epochs);
  o.cosine = option(j, "cosine", d.cosine);
  o.label_smoothing = option(j, "label_smoothing", d.label_smoothing);
  o.augment = option(j, "augment", d.augment);
  o.patience = option(j, "patience", d.patience);
  o.seed = option(j, "seed", d.seed);
  o.threads = option(j, "threads", d.threads);
  o.max_examples = option(j, "max_examples", d.max_examples);
  o.eval_batch_size = option(j, "eval_batch_size", d.eval_batch_size);
  train::check_options(o);
  return o;
}

// Datasets are opened once per process (a search trains many networks on the same one), with
// the front end fitted to each network's input (a DS-CNN space varies the MFCC coefficients).
std::shared_ptr<const data::Dataset> dataset(const std::string& ref, const ir::Graph& g) {
  std::array<int, 3> hwc{};
  if (const std::vector<int> in = g.inputs(); in.size() == 1 && g.node(in[0]).shape.rank() == 4) {
    const ir::Shape& s = g.node(in[0]).shape;
    hwc = {static_cast<int>(s.h()), static_cast<int>(s.w()), static_cast<int>(s.c())};
  }
  const data::OpenOptions options = data::fit_front_end(ref, hwc);
  static std::mutex mutex;
  static std::map<std::pair<std::string, int>, std::shared_ptr<const data::Dataset>> open;
  std::lock_guard lock(mutex);
  auto& ds = open[{ref, options.speech.mfcc.coefficients}];
  if (!ds) ds = data::open_dataset(ref, options);
  return ds;
}

eval::TrainOutcome train_with_plugin(const eval::TrainJob& job) {
  train::TrainOptions o = train_options(job.options);
  if (job.epochs > 0) o.epochs = job.epochs;
  const auto ds = dataset(job.dataset, job.graph);
  const train::TrainResult r = train::train_api().train(job.graph, *ds, o, {});
  if (!job.out.empty()) {
    const std::string title = fmt::format("{} on {}: val top-1 {:.2f}% (epoch {} of {})", job.graph.name(),
                                          ds->reference(), r.val_top1, r.best_epoch, r.log.size());
    train::write_run_dir(job.out, job.graph, r,
                         {.model = job.graph.name(),
                          .dataset = ds->reference(),
                          .options = o,
                          .params = ir::compute_stats(job.graph).params},
                         curves_svg(r, title), /*overwrite=*/true);
  }
  return {.top1 = r.test.top1(),
          .val_top1 = r.val_top1,
          .epochs = static_cast<int>(r.log.size()),
          .seconds = r.seconds,
          .trainer =
              fmt::format("hwnas trainer (libtorch, {}, {} thread(s))", train::optimizer_name(o.optimizer), o.threads)};
}

void check_train_options(const nlohmann::json& options) { train_options(options); }

const bool kRegistered = (eval::register_trainer(&train_with_plugin, &check_train_options), true);

}  // namespace
}  // namespace hwnas::cli
